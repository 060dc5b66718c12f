//! A small seeded generator (SplitMix64): the same seed gives the same cases on every machine,
//! so a failure is reproduced by rerunning with the seed it prints.

/// The seed used when `HOOKKIT_METAMORPHIC_SEED` is not set.
pub(crate) const DEFAULT_SEED: u64 = 0x686f_6f6b_6b69_7421;

/// The run's seed: `HOOKKIT_METAMORPHIC_SEED` (decimal or `0x` hex) or [`DEFAULT_SEED`].
pub(crate) fn seed_from_env() -> u64 {
    let Ok(text) = std::env::var("HOOKKIT_METAMORPHIC_SEED") else {
        return DEFAULT_SEED;
    };
    let text = text.trim();
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.unwrap_or_else(|e| panic!("HOOKKIT_METAMORPHIC_SEED={text:?} is not a number: {e}"))
}

/// A SplitMix64 stream.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A stream for `seed`, split by `stream` so that each case has its own, independent of
    /// the order in which threads run them.
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Self(seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        rng.next_u64();
        rng
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub(crate) fn below(&mut self, bound: usize) -> usize {
        let bound = u64::try_from(bound).expect("bound fits in u64");
        usize::try_from(self.next_u64() % bound).expect("below a usize bound")
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
