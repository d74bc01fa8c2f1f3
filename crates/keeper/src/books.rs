//! Every account's book as the risk program sees it (the clearinghouse's `riskRequest`, decoded),
//! re-margined at new prices and time with the same `pm-risk` code the risk program runs, least
//! healthy first. A book is fetched again only when an event says it changed.

use std::collections::HashMap;

use alloy_primitives::Address;
use pm_clearinghouse::instrument::spec_of;
use pm_risk::wire::{decode, Request};
use pm_risk::{margin_shared, Account, MarginReport, SharedValues, Workspace};

/// One account's book.
#[derive(Clone, Debug)]
pub struct Book {
    /// The request the clearinghouse built (prices and time as of then).
    pub request: Request,
    /// The listed index of each of the request's underlyings (the request holds those the book
    /// holds, in listed order).
    pub listed: Vec<u8>,
    /// The earliest expiry among all its positions, at risk or not (unix seconds; none for
    /// perps only).
    pub first_expiry: Option<u64>,
}

/// Every (listed underlying, expiry) among `instruments`' ids, sorted, once each.
pub fn expiries_of(instruments: &[u128]) -> Vec<(u8, u64)> {
    let mut expiries: Vec<(u8, u64)> = instruments
        .iter()
        .map(|id| spec_of(*id))
        .filter(|s| s.expiry > 0)
        .map(|s| (s.underlying, s.expiry))
        .collect();
    expiries.sort_unstable();
    expiries.dedup();
    expiries
}

impl Book {
    /// A book from `riskRequest`'s bytes, `riskByUnderlying`'s listed indices (the request's
    /// underlyings, in its order: those of the positions still at risk, an expired position whose
    /// price is fixed counting as cash) and `positions`' instrument ids (all of them).
    ///
    /// # Errors
    /// The request does not decode, or holds another number of underlyings than `listed`.
    pub fn new(request: &[u8], listed: Vec<u8>, instruments: &[u128]) -> Result<Self, String> {
        let request = decode(request).map_err(|e| format!("riskRequest does not decode: {e:?}"))?;
        if listed.len() != request.underlyings.len() {
            return Err(format!(
                "the request has {} underlyings, riskByUnderlying {}",
                request.underlyings.len(),
                listed.len()
            ));
        }
        let first_expiry = expiries_of(instruments).iter().map(|(_, e)| *e).min();
        Ok(Self {
            request,
            listed,
            first_expiry,
        })
    }

    /// The book at `prices` (listed index → USD with 18 decimals; none keeps the request's) and
    /// time `now`.
    pub fn at(&self, prices: &[Option<i128>], now: u64) -> Request {
        let mut r = self.request.clone();
        r.now = now;
        for (u, k) in r.underlyings.iter_mut().zip(&self.listed) {
            if let Some(Some(p)) = prices.get(usize::from(*k)) {
                u.market.price = *p;
            }
        }
        r
    }
}

/// Equity above maintenance margin (USD, 6 decimals as `pm-risk` counts): negative means
/// liquidatable.
pub fn health(r: &MarginReport) -> i128 {
    r.equity.saturating_sub(r.maintenance)
}

/// Fewest books a round spreads over threads (below it, one thread: spawning costs more).
const PARALLEL_FROM: usize = 64;

/// One thread's scratch: a workspace and the options it has priced, kept across rounds.
struct Scratch {
    ws: Box<Workspace>,
    /// Options repriced once for every book that holds them, per underlying state
    /// (`pm_risk::shared`: the same reports as each book alone).
    shared: SharedValues,
}

impl Scratch {
    fn new() -> Self {
        Self {
            ws: Box::new(Workspace::new()),
            shared: SharedValues::new(),
        }
    }

    /// `book` margined at `prices` and `now`.
    fn margin(&mut self, book: &Book, prices: &[Option<i128>], now: u64) -> Result<MarginReport, String> {
        let r = book.at(prices, now);
        let a = Account {
            collateral: r.collateral,
            positions: &r.positions,
            now: r.now,
        };
        margin_shared(&mut self.ws, &mut self.shared, &a, &r.underlyings, &r.params())
            .map_err(|e| format!("{e:?}"))
    }
}

/// Every known book.
pub struct Books {
    books: HashMap<Address, Book>,
    /// One per thread a round uses (the machine's cores).
    scratch: Vec<Scratch>,
}

impl Default for Books {
    fn default() -> Self {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            books: HashMap::new(),
            scratch: (0..threads).map(|_| Scratch::new()).collect(),
        }
    }
}

impl Books {
    /// Keeps `book` for `account` (replacing its old one).
    pub fn insert(&mut self, account: Address, book: Book) {
        self.books.insert(account, book);
    }

    /// Forgets `account`'s book (it holds nothing).
    pub fn remove(&mut self, account: Address) {
        self.books.remove(&account);
    }

    /// `account`'s book, if it has one.
    pub fn get(&self, account: &Address) -> Option<&Book> {
        self.books.get(account)
    }

    /// The accounts with a book, in address order.
    pub fn accounts(&self) -> Vec<Address> {
        let mut all: Vec<Address> = self.books.keys().copied().collect();
        all.sort_unstable();
        all
    }

    /// How many books.
    pub fn len(&self) -> usize {
        self.books.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.books.is_empty()
    }

    /// The accounts whose book has a position expired at `now`.
    pub fn expired(&self, now: u64) -> Vec<Address> {
        self.books
            .iter()
            .filter(|(_, b)| b.first_expiry.is_some_and(|e| e <= now))
            .map(|(a, _)| *a)
            .collect()
    }

    /// Margins one account's book at `prices` and `now`.
    ///
    /// # Errors
    /// No book, or `pm-risk` refuses it (e.g. an expired option, which the chain values at its
    /// fixed price instead).
    pub fn margin(
        &mut self,
        account: &Address,
        prices: &[Option<i128>],
        now: u64,
    ) -> Result<MarginReport, String> {
        let book = self.books.get(account).ok_or("no book")?;
        let scratch = self.scratch.first_mut().ok_or("no scratch")?;
        scratch.margin(book, prices, now)
    }

    /// Every book margined at `prices` and `now`, least healthy first; a book `pm-risk` refuses
    /// comes first, with why (the chain must be asked). The books are dealt round to one thread
    /// per core, each pricing every option once for all its books.
    pub fn remargin(
        &mut self,
        prices: &[Option<i128>],
        now: u64,
    ) -> Vec<(Address, Result<MarginReport, String>)> {
        let books: Vec<(&Address, &Book)> = self.books.iter().collect();
        let threads = if books.len() < PARALLEL_FROM {
            1
        } else {
            self.scratch.len().max(1)
        };
        let deal = |t: usize, scratch: &mut Scratch| -> Vec<(Address, Result<MarginReport, String>)> {
            books
                .iter()
                .skip(t)
                .step_by(threads)
                .map(|(a, b)| (**a, scratch.margin(b, prices, now)))
                .collect()
        };
        let mut out: Vec<(Address, Result<MarginReport, String>)> = if threads == 1 {
            match self.scratch.first_mut() {
                Some(scratch) => deal(0, scratch),
                None => deal(0, &mut Scratch::new()),
            }
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = self
                    .scratch
                    .iter_mut()
                    .take(threads)
                    .enumerate()
                    .map(|(t, scratch)| s.spawn(move || deal(t, scratch)))
                    .collect();
                handles
                    .into_iter()
                    // pm-risk does not panic; if a thread did, so does the round (no book dropped).
                    .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        };
        out.sort_by_key(|(a, r)| (r.as_ref().map(health).unwrap_or(i128::MIN), *a));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pm_clearinghouse::instrument::{id_of, Spec};
    use pm_risk::fixed::{USD, WAD};
    use pm_risk::wire::{encode, scalars_of};
    use pm_risk::{defaults, Instrument, Market, Position, Underlying};

    fn perp(listed: u8) -> u128 {
        id_of(&Spec {
            underlying: listed,
            kind: 0,
            expiry: 0,
            strike: 0,
        })
    }

    /// A book of one perp of `size` on listed underlying 2 (and a small one on 0), as the
    /// clearinghouse would send it: the two underlyings in listed order.
    fn request(size: i128) -> Vec<u8> {
        request_with(size, &[])
    }

    /// [`request`] with `options` on listed underlying 2 added.
    fn request_with(size: i128, options: &[Position]) -> Vec<u8> {
        let underlying = |price: i128| Underlying {
            market: Market {
                price,
                vol: WAD / 2,
                oracle_addon: 0,
            },
            params: defaults::BTC,
        };
        let risk = defaults::risk(&[]);
        encode(&Request {
            now: 1_800_000_000,
            collateral: 20_000 * USD,
            grid_levels: risk.grid_levels,
            scalars: scalars_of(&risk),
            underlyings: vec![underlying(3_000 * WAD), underlying(100 * WAD)],
            correlation: vec![WAD, WAD / 2, WAD / 2, WAD],
            positions: [
                Position {
                    underlying: 0,
                    instrument: Instrument::Perp,
                    size: WAD / 10,
                    entry: 0,
                },
                Position {
                    underlying: 1,
                    instrument: Instrument::Perp,
                    size,
                    entry: 0,
                },
            ]
            .into_iter()
            .chain(options.iter().copied())
            .collect(),
            quotes: 0,
        })
    }

    #[test]
    fn many_books_are_margined_on_every_core_each_as_alone() {
        let mut books = Books::default();
        let accounts: Vec<Address> = (0..200u8).map(Address::repeat_byte).collect();
        for (i, a) in accounts.iter().enumerate() {
            let i = i as i128;
            let option = |strike: i128, size: i128| Position {
                underlying: 1,
                instrument: Instrument::Call {
                    strike: strike * WAD,
                    expiry: 1_800_000_000 + 7 * 86_400,
                },
                size: size * WAD,
                entry: 0,
            };
            let options = [option(90 + 5 * (i % 5), 1 + i % 7), option(110, -(i % 3))];
            let request = request_with((i - 100) * WAD, &options[..1 + (i % 2) as usize]);
            books.insert(*a, Book::new(&request, vec![0, 2], &[perp(0), perp(2)]).unwrap());
        }
        let prices = [Some(2_900 * WAD), None, Some(95 * WAD)];
        let now = 1_800_000_600;
        let reports = books.remargin(&prices, now);
        assert_eq!(reports.len(), accounts.len());
        let mut ws = Box::new(Workspace::new());
        for a in &accounts {
            let r = books.get(a).unwrap().at(&prices, now);
            let account = Account {
                collateral: r.collateral,
                positions: &r.positions,
                now: r.now,
            };
            let alone = pm_risk::margin_in(&mut ws, &account, &r.underlyings, &r.params()).unwrap();
            let got = reports
                .iter()
                .filter(|(x, _)| x == a)
                .map(|(_, r)| r.clone().unwrap());
            assert_eq!(got.collect::<Vec<_>>(), vec![alone], "{a}");
        }
        let healths: Vec<i128> = reports.iter().map(|(_, r)| health(r.as_ref().unwrap())).collect();
        assert!(healths.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn a_price_moves_the_book_of_its_listed_underlying_and_the_least_healthy_comes_first() {
        let mut books = Books::default();
        let (long, short) = (Address::repeat_byte(1), Address::repeat_byte(2));
        books.insert(
            long,
            Book::new(&request(100 * WAD), vec![0, 2], &[perp(0), perp(2)]).unwrap(),
        );
        books.insert(
            short,
            Book::new(&request(-100 * WAD), vec![0, 2], &[perp(2), perp(0)]).unwrap(),
        );
        assert_eq!(books.get(&long).unwrap().listed, vec![0, 2]);
        let unchanged = books.remargin(&[], 1_800_000_000);
        let before = |a: Address| {
            unchanged
                .iter()
                .find(|(x, _)| *x == a)
                .unwrap()
                .1
                .clone()
                .unwrap()
        };
        // Listed 2 falls 10%: the long loses 1,000 USD, the short gains it; listed 1 (not held)
        // and listed 0 are untouched.
        let moved = books.remargin(&[None, Some(7 * WAD), Some(90 * WAD)], 1_800_000_000);
        let after = |a: Address| moved.iter().find(|(x, _)| *x == a).unwrap().1.clone().unwrap();
        assert_eq!(after(long).equity, before(long).equity - 1_000 * USD);
        assert_eq!(after(short).equity, before(short).equity + 1_000 * USD);
        assert!(health(&after(long)) < health(&before(long)));
        // Least healthy first.
        let healths: Vec<i128> = moved.iter().map(|(_, r)| health(r.as_ref().unwrap())).collect();
        assert!(healths.windows(2).all(|w| w[0] <= w[1]), "{healths:?}");
    }

    #[test]
    fn a_request_that_does_not_match_the_positions_is_refused() {
        assert!(Book::new(&request(WAD), vec![0], &[perp(0)]).is_err());
        assert!(Book::new(&[1, 2, 3], vec![0], &[perp(0)]).is_err());
        let future = id_of(&Spec {
            underlying: 2,
            kind: 1,
            expiry: 1_900_000_000,
            strike: 0,
        });
        let book = Book::new(&request(WAD), vec![0, 2], &[perp(0), future]).unwrap();
        assert_eq!(book.first_expiry, Some(1_900_000_000));
    }
}
