//! Checks on dates across items: `outside-event-dates`,
//! `role-outside-dates`, `verdict-before-statement`. All use certainty:
//! precision never raises a false alarm.

use crate::diag::{Code, Diagnostic};
use crate::kb::Kb;
use crate::model::{ActorKind, Date};

pub fn check(kb: &Kb, out: &mut Vec<Diagnostic>) {
    for s in &kb.statements {
        if let Some(at) = s.at {
            let event = kb.event(at);
            if certainly_apart(&s.date, &event.date) {
                out.push(
                    Diagnostic::new(
                        Code::OutsideEventDates,
                        s.date_span,
                        format!(
                            "`{}` is dated {}, outside its event `{}` ({})",
                            s.id, s.date, event.id, event.date
                        ),
                    )
                    .label("outside the event's dates")
                    .with_secondary(event.date_span, "the event is dated here")
                    .with_help("check both dates; if it was said elsewhere, change or remove `at`"),
                );
            }
        }
        // Judged, or retracted, before it was said.
        let judged = s.verdicts.iter().filter_map(|v| {
            Some((
                v.date.as_ref()?,
                v.span,
                format!("a {} verdict by `{}`", v.rating, kb.actor(v.by).id),
            ))
        });
        let status = s.status.iter().filter_map(|st| {
            Some((
                st.date.as_ref()?,
                st.span,
                format!("its status ({})", st.kind),
            ))
        });
        for (date, span, what) in judged.chain(status) {
            if date.certainly_before(&s.date) {
                out.push(
                    Diagnostic::new(
                        Code::VerdictBeforeStatement,
                        span,
                        format!("`{}` ({}) has {what} dated earlier ({date})", s.id, s.date),
                    )
                    .label("dated before the statement")
                    .with_secondary(s.date_span, "the statement is dated here")
                    .with_help("check both dates, or mark an uncertain one with `?`"),
                );
            }
        }
        for speaker in s.speakers().map(|a| kb.actor(a)) {
            if speaker.kind == ActorKind::Person
                && !speaker.roles.is_empty()
                && !s.date.is_qualified()
                && speaker.roles.iter().all(|r| {
                    let (role, date) = (r.bounds(), s.date.bounds());
                    date.end <= role.start || role.end <= date.start
                })
            {
                let mut d = Diagnostic::new(
                    Code::RoleOutsideDates,
                    s.date_span,
                    format!("`{}` is dated {}, outside every role of `{}`", s.id, s.date, speaker.id),
                )
                .label("no role of the speaker covers this date")
                .with_help("check the date and the roles' `from`/`until`; --rollup cannot attribute this statement to an institution");
                for r in &speaker.roles {
                    d = d.with_secondary(r.span, format!("{} of `{}`", r.title, kb.actor(r.of).id));
                }
                out.push(d);
            }
        }
    }
}

/// Whether two dates certainly do not overlap.
fn certainly_apart(a: &Date, b: &Date) -> bool {
    a.certainly_before(b) || b.certainly_before(a)
}
