//! A faithful port of the twelve-rule benchmark's case generator
//! (`/work/shared/bench/gen_cases.py`): the same N and seed give the same bytes as
//! `python3 gen_cases.py N SEED`.
//!
//! It reproduces Python's `random.Random(seed)` (MT19937 seeded by `init_by_array` with the
//! seed's 32-bit words) and the exact calls the script makes (`random()`, `randint`,
//! `choice`), and writes each case as `json.dumps(case, separators=(",", ":"))` does: keys
//! in insertion order, no spaces. Every string the generator produces is plain ASCII with
//! nothing to escape.
//!
//! Shared by `tests/twelve.rs` and `benches/twelve.rs` through `#[path]`; it is not part
//! of the library.

#![allow(dead_code)]

use std::fmt::Write as _;

const SECTORS: [&str; 4] = ["health", "local_government", "third_sector", "provider"];
const NEEDS: [&str; 5] = ["mild", "moderate", "new", "complex", "unpredictable"];
const CHANGES: [&str; 5] = ["none", "merger", "new_structure", "pooled_budget", "joint_commissioning"];
const INTEGRATION: [&str; 3] = ["linkage", "coordination", "full"];
const CULTURE_MODELS: [&str; 3] = ["integration", "difference", "ambiguity"];
const PLACES: [&str; 12] = [
    "Northfield",
    "Eastbrook",
    "Westmoor",
    "Southvale",
    "Riverside",
    "Hillcrest",
    "Ashford",
    "Kingsbridge",
    "Millbrook",
    "Oakham",
    "Stonegate",
    "Lakeside",
];

/// The kinds of organisation in each sector, in the order of `SECTORS`.
fn kinds(sector: usize) -> &'static [&'static str; 4] {
    const KINDS: [[&str; 4]; 4] = [
        ["Primary Care Trust", "Clinical Commissioning Group", "Health Board", "NHS Trust"],
        ["County Council", "Borough Council", "City Council", "District Council"],
        ["Carers Network", "Mind", "Age Concern", "Community Trust"],
        [
            "Care Homes Ltd",
            "Home Care Services",
            "Community Health Services",
            "Mental Health Foundation Trust",
        ],
    ];
    &KINDS[sector]
}

/// Python's `random.Random`: the Mersenne Twister MT19937 and the methods the generator
/// calls, bit for bit.
pub struct PyRandom {
    state: [u32; 624],
    index: usize,
}

impl PyRandom {
    /// `random.Random(seed)` for a non-negative integer seed.
    pub fn new(seed: u64) -> PyRandom {
        // `random_seed` in CPython: the absolute value's 32-bit words, least significant
        // first; zero gives one word, 0.
        let mut key = vec![u32::try_from(seed & u64::from(u32::MAX)).expect("masked to 32 bits")];
        if seed >> 32 != 0 {
            key.push((seed >> 32) as u32);
        }
        let mut rng = PyRandom { state: [0; 624], index: 624 };
        rng.init_by_array(&key);
        rng
    }

    fn init_genrand(&mut self, seed: u32) {
        self.state[0] = seed;
        for i in 1..624 {
            let previous = self.state[i - 1];
            self.state[i] = 1_812_433_253u32
                .wrapping_mul(previous ^ (previous >> 30))
                .wrapping_add(u32::try_from(i).expect("below 624"));
        }
        self.index = 624;
    }

    fn init_by_array(&mut self, key: &[u32]) {
        self.init_genrand(19_650_218);
        let (mut i, mut j) = (1usize, 0usize);
        let n = 624;
        for _ in 0..n.max(key.len()) {
            let previous = self.state[i - 1];
            self.state[i] = (self.state[i] ^ (previous ^ (previous >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(u32::try_from(j).expect("a key has at most two words"));
            i += 1;
            j += 1;
            if i >= n {
                self.state[0] = self.state[n - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..n - 1 {
            let previous = self.state[i - 1];
            self.state[i] = (self.state[i] ^ (previous ^ (previous >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(u32::try_from(i).expect("below 624"));
            i += 1;
            if i >= n {
                self.state[0] = self.state[n - 1];
                i = 1;
            }
        }
        self.state[0] = 0x8000_0000;
    }

    /// `genrand_uint32`: the next 32 random bits.
    pub fn next_u32(&mut self) -> u32 {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        const MATRIX_A: u32 = 0x9908_b0df;
        if self.index >= 624 {
            for k in 0..624 {
                let y = (self.state[k] & UPPER) | (self.state[(k + 1) % 624] & LOWER);
                let mag = if y & 1 == 0 { 0 } else { MATRIX_A };
                self.state[k] = self.state[(k + 397) % 624] ^ (y >> 1) ^ mag;
            }
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random()`: a float in [0, 1) with 53 random bits.
    pub fn random(&mut self) -> f64 {
        let a = self.next_u32() >> 5;
        let b = self.next_u32() >> 6;
        (f64::from(a) * 67_108_864.0 + f64::from(b)) / 9_007_199_254_740_992.0
    }

    /// `getrandbits(k)` for 0 < k <= 32.
    fn getrandbits(&mut self, k: u32) -> u32 {
        debug_assert!(k > 0 && k <= 32);
        self.next_u32() >> (32 - k)
    }

    /// `_randbelow(n)`: an integer in [0, n), by rejection sampling on `n.bit_length()` bits.
    fn randbelow(&mut self, n: u32) -> u32 {
        debug_assert!(n > 0);
        let k = 32 - n.leading_zeros();
        loop {
            let r = self.getrandbits(k);
            if r < n {
                return r;
            }
        }
    }

    /// `randint(a, b)`: an integer in [a, b].
    pub fn randint(&mut self, a: u32, b: u32) -> u32 {
        a + self.randbelow(b - a + 1)
    }

    /// The index `choice(seq)` picks from a sequence of `len` items.
    pub fn choice_index(&mut self, len: usize) -> usize {
        self.randbelow(u32::try_from(len).expect("a sequence to choose from is short")) as usize
    }

    /// `choice(seq)`.
    pub fn choice<'a>(&mut self, seq: &[&'a str]) -> &'a str {
        seq[self.choice_index(seq.len())]
    }
}

/// Appends the JSON of case number `i` (without a newline), drawing from `rng` exactly as
/// `case(rng, i)` in `gen_cases.py` does.
pub fn write_case(rng: &mut PyRandom, i: usize, out: &mut String) {
    let b = |v: bool| if v { "true" } else { "false" };
    // Everything is drawn in the script's order first, then written in its key order.
    let n_partners = rng.randint(2, 6);
    let mut partners = String::new();
    for p in 0..n_partners {
        let sector = rng.choice_index(SECTORS.len());
        let place = rng.choice(&PLACES);
        let kind = rng.choice(kinds(sector));
        if p > 0 {
            partners.push(',');
        }
        let _ = write!(partners, r#"{{"name":"{place} {kind}","sector":"{}"}}"#, SECTORS[sector]);
    }
    let change = rng.choice(&CHANGES);
    let integration = rng.choice(&INTEGRATION);
    let pooled_funding = rng.random() < 0.5;
    let months_since_change = if rng.random() < 0.75 { Some(rng.randint(0, 60)) } else { None };
    let stated_reasons = rng.random() < 0.7;
    let real_reasons_clarified = rng.random() < 0.5;
    let od_support_funded = rng.random() < 0.4;
    let defined = rng.random() < 0.6;
    let measures = if rng.random() < 0.7 { rng.randint(0, 10) } else { 0 };
    let assessed = rng.random() < 0.5;
    let model = if rng.random() < 0.7 { Some(rng.choice(&CULTURE_MODELS)) } else { None };
    let includes_providers = rng.random() < 0.5;
    let includes_third_sector = rng.random() < 0.5;
    let includes_users_carers = rng.random() < 0.4;
    let covers_children = rng.random() < 0.3;
    let needs = rng.choice(&NEEDS);

    let _ =
        write!(out, r#"{{"id":"case-{i:06}","partners":[{partners}],"population":{{"needs":"{needs}"}},"#);
    let _ = write!(out, r#""proposal":{{"change":"{change}","integration":"{integration}","#);
    let _ = write!(out, r#""pooled_funding":{}"#, b(pooled_funding));
    if let Some(months) = months_since_change {
        let _ = write!(out, r#","months_since_change":{months}"#);
    }
    let _ = write!(
        out,
        r#","stated_reasons":{},"real_reasons_clarified":{},"od_support_funded":{}}},"#,
        b(stated_reasons),
        b(real_reasons_clarified),
        b(od_support_funded)
    );
    let _ = write!(out, r#""outcomes":{{"defined":{},"measures":{measures}}},"#, b(defined));
    let _ = write!(out, r#""culture":{{"assessed":{}"#, b(assessed));
    if let Some(model) = model {
        let _ = write!(out, r#","model":"{model}""#);
    }
    let _ = write!(
        out,
        r#"}},"board":{{"includes_providers":{},"includes_third_sector":{},"includes_users_carers":{},"covers_children":{}}}}}"#,
        b(includes_providers),
        b(includes_third_sector),
        b(includes_users_carers),
        b(covers_children)
    );
}

/// The `n` cases of `gen_cases.py n seed`, one JSON text per item (no newlines).
pub fn case_lines(n: usize, seed: u64) -> Vec<String> {
    let mut rng = PyRandom::new(seed);
    (1..=n)
        .map(|i| {
            let mut line = String::with_capacity(512);
            write_case(&mut rng, i, &mut line);
            line
        })
        .collect()
}

/// The whole output of `gen_cases.py n seed`: every case followed by a newline.
pub fn jsonl(n: usize, seed: u64) -> String {
    let mut rng = PyRandom::new(seed);
    let mut out = String::with_capacity(n * 512);
    for i in 1..=n {
        write_case(&mut rng, i, &mut out);
        out.push('\n');
    }
    out
}
