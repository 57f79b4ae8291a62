//! Memory of compiling a rule base, counted by an allocator that keeps the peak: within a
//! small multiple of the rule files' size.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use accord::RuleFiles;

/// The system allocator, counting the bytes allocated now and at most.
struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let now = NOW.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        } else {
            NOW.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most bytes allocated at once while compiling `files`, beyond what was allocated
/// before, and whether the rule base checked.
fn peak_compiling(files: Vec<(String, String)>) -> (usize, bool) {
    let files = RuleFiles::from_texts(files);
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let compiled = files.compile();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    (peak, compiled.rule_base.is_some())
}

/// A rule file of `rules` small rules (about 180 bytes each) over a few facts, with
/// `broken` of them naming a fact that is not declared.
fn small_rules(rules: usize, broken: usize) -> String {
    let mut text = String::from(
        "source s\n  authors \"A.\"\n  year 2000\n  title \"T\"\n\n\
         fact change.kind is one of none, merger\n  ask \"What change?\"\n\
         fact change.months is a number\n  ask \"How many months ago?\"\n",
    );
    for i in 0..rules {
        let fact = if i < broken { format!("change.mnths{i}") } else { "change.months".to_string() };
        write!(
            text,
            "\nrule r{i}\n  when change.kind is merger and {fact} < {}\n  warn \"Inside the stall window\" \"{{change.months}} months since.\"\n  cite s\n",
            i % 61
        )
        .expect("writing to a String cannot fail");
    }
    text
}

/// One test, so that no other test allocates while it counts.
#[test]
fn compiling_takes_memory_within_a_small_multiple_of_the_rule_files() {
    // A file of 10,000 small rules (1.9 MB): every small vector grown to room for four,
    // the text kept twice, took 42 times the file; now under 30.
    let text = small_rules(10_000, 0);
    let size = text.len();
    let (peak, checked) = peak_compiling(vec![("r.accord".into(), text)]);
    assert!(checked);
    let multiple = peak as f64 / size as f64;
    eprintln!("small rules: {multiple:.1} times");
    assert!(multiple < 30.0, "{peak} bytes at most for a file of {size}: {multiple:.1} times");
    // The same with every rule broken: the diagnostics past the first 50 are only
    // counted, and no rule base is planned.
    let text = small_rules(10_000, 10_000);
    let size = text.len();
    let (peak, checked) = peak_compiling(vec![("r.accord".into(), text)]);
    assert!(!checked);
    let multiple = peak as f64 / size as f64;
    assert!(multiple < 30.0, "{peak} bytes at most for a file of {size} with errors: {multiple:.1} times");
    eprintln!("small rules, each broken: {multiple:.1} times");
    // The shipped rules (with long texts and quotes, checked against a source's text).
    let shipped = RuleFiles::embedded();
    let size = shipped.len_bytes();
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    assert!(shipped.compile().rule_base.is_some());
    let multiple = (PEAK.load(Ordering::Relaxed) - before) as f64 / size as f64;
    eprintln!("the shipped rules: {multiple:.1} times");
    assert!(multiple < 30.0, "the shipped rules: {multiple:.1} times");
}
