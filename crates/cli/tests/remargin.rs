//! `pm remargin`'s machinery (the benchmark itself is not timed here): the books are valid and
//! the same every run, the health order puts the accounts closest to liquidation first, the
//! shared pricing's reports are exactly the per-account ones, and the threads' reports are
//! exactly one core's, in the same order.

use pm_cli::remargin::{
    books, by_health, margin_all, margin_parallel, underlyings, Pricing, MAX_BOOK, SHOCK_PERCENT,
};

#[test]
fn the_books_are_the_same_every_run_and_span_1_to_128_positions() {
    let a = books(500, 7);
    assert_eq!(a, books(500, 7));
    assert_ne!(a, books(500, 8));
    let sizes: Vec<usize> = a.iter().map(|b| b.positions.len()).collect();
    assert!(sizes.iter().all(|n| (1..=MAX_BOOK).contains(n)));
    assert!(sizes.contains(&1) || sizes.iter().min() < Some(&5));
    assert!(sizes.iter().max() > Some(&120));
}

#[test]
fn the_order_is_least_healthy_first_and_the_threads_agree_with_one_core() {
    let b = books(300, 11);
    let all: Vec<usize> = (0..b.len()).collect();
    let before = margin_all(&b, &all, &underlyings(0), Pricing::Shared).unwrap();
    assert_eq!(
        before,
        margin_all(&b, &all, &underlyings(0), Pricing::PerAccount).unwrap()
    );
    let order = by_health(&before);
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, all, "every book once");
    let health = |i: usize| {
        let r = &before[i].1;
        r.equity as f64 / r.maintenance.max(1) as f64
    };
    assert!(order.windows(2).all(|w| health(w[0]) <= health(w[1])));
    let moved = underlyings(-SHOCK_PERCENT);
    let one = margin_all(&b, &order, &moved, Pricing::PerAccount).unwrap();
    assert_eq!(margin_all(&b, &order, &moved, Pricing::Shared).unwrap(), one);
    for threads in [2, 3, 7] {
        assert_eq!(
            margin_parallel(&b, &order, &moved, threads, Pricing::Shared).unwrap(),
            one,
            "{threads} threads"
        );
    }
    // The move makes some accounts liquidatable, and they cluster at the front of the order.
    let below: Vec<usize> = one
        .iter()
        .enumerate()
        .filter(|(_, (_, r))| r.equity < r.maintenance)
        .map(|(k, _)| k)
        .collect();
    assert!(!below.is_empty());
    let median = below[below.len() / 2];
    assert!(
        median < one.len() / 2,
        "the liquidatable sit early in the order: {below:?}"
    );
}
