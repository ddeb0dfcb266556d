//! A list of values for each of a number of keys, in one array: what the
//! KB's indexes (responders, each statement's answers and speakers) and
//! the statements' columns ([`crate::outline`]) are made of. A million
//! statements' responders were a million vectors.

/// The values of key `k` are `values[starts[k]..starts[k + 1]]`. Starts
/// are `u32`, as statement indexes are: a KB's statements, and the links
/// and id bytes they hold, number fewer than 2^32.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lists<T> {
    pub(crate) starts: Vec<u32>,
    pub(crate) values: Vec<T>,
}

impl<T> Default for Lists<T> {
    fn default() -> Self {
        Lists {
            starts: vec![0],
            values: Vec::new(),
        }
    }
}

impl<T> Lists<T> {
    /// No lists yet, with room for `keys` of them and `values` values.
    pub(crate) fn with_capacity(keys: usize, values: usize) -> Lists<T> {
        let mut starts = Vec::with_capacity(keys + 1);
        starts.push(0);
        Lists {
            starts,
            values: Vec::with_capacity(values),
        }
    }

    /// Adds the list of the next key.
    pub(crate) fn push(&mut self, values: impl IntoIterator<Item = T>) {
        self.values.extend(values);
        self.starts.push(self.values.len() as u32);
    }

    /// The values of key `k`; none for a key past the last.
    pub(crate) fn get(&self, k: usize) -> &[T] {
        match (self.starts.get(k), self.starts.get(k + 1)) {
            (Some(&start), Some(&end)) => &self.values[start as usize..end as usize],
            _ => &[],
        }
    }

    /// Whether it holds `keys` lists that each lie within its values: what
    /// lists read from annals' cache must be before they are used.
    pub(crate) fn is_whole(&self, keys: usize) -> bool {
        self.starts.len() == keys + 1
            && self.starts.first() == Some(&0)
            && self.starts.windows(2).all(|w| w[0] <= w[1])
            && self.starts.last().map(|&end| end as usize) == Some(self.values.len())
    }
}

/// Lists being filled: sized by the keys of their values, counted in any
/// order (storage order, reading memory in sequence), then filled in the
/// order each list keeps (time order).
pub(crate) struct Filling<T> {
    pub(crate) lists: Lists<T>,
    next: Vec<usize>,
}

impl<T: Copy> Filling<T> {
    /// Room for lists of `keys` keys, a value for each key `counted`
    /// gives, each `blank` until put.
    pub(crate) fn sized(keys: usize, counted: impl Iterator<Item = usize>, blank: T) -> Filling<T> {
        let mut starts = vec![0u32; keys + 1];
        for k in counted {
            starts[k + 1] += 1;
        }
        for k in 0..keys {
            starts[k + 1] += starts[k];
        }
        let values = vec![blank; starts[keys] as usize];
        Filling {
            next: starts[..keys].iter().map(|&s| s as usize).collect(),
            lists: Lists { starts, values },
        }
    }

    /// Puts `value` next in the list of key `k`.
    pub(crate) fn put(&mut self, k: usize, value: T) {
        self.lists.values[self.next[k]] = value;
        self.next[k] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_keep_the_order_values_are_given_in() {
        let items = [(2, 'a'), (0, 'b'), (2, 'c'), (3, 'd')];
        // Counted in another order than filled.
        let mut filling = Filling::sized(4, items.iter().rev().map(|i| i.0), '-');
        for (k, value) in items {
            filling.put(k, value);
        }
        let lists = filling.lists;
        let got: Vec<String> = (0..6).map(|k| lists.get(k).iter().collect()).collect();
        assert_eq!(got, ["b", "", "ac", "d", "", ""]);
        let none = Filling::<char>::sized(3, std::iter::empty(), '-').lists;
        assert!((0..4).all(|k| none.get(k).is_empty()));
        let mut pushed = Lists::default();
        pushed.push(['x', 'y']);
        pushed.push([]);
        pushed.push(['z']);
        let got: Vec<String> = (0..4).map(|k| pushed.get(k).iter().collect()).collect();
        assert_eq!(got, ["xy", "", "z", ""]);
    }
}
