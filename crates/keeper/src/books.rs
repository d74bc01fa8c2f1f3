//! Every account's book as the risk program sees it (the clearinghouse's `riskRequest`, decoded),
//! re-margined at new prices and time with the same `pm-risk` code the risk program runs, least
//! healthy first. A book is fetched again only when an event says it changed.

use std::collections::HashMap;

use alloy_primitives::Address;
use pm_clearinghouse::instrument::spec_of;
use pm_risk::wire::{decode, Request};
use pm_risk::{margin_in, Account, MarginReport, Workspace};

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
        let first_expiry = instruments
            .iter()
            .map(|id| spec_of(*id).expiry)
            .filter(|e| *e > 0)
            .min();
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

/// Every known book.
pub struct Books {
    books: HashMap<Address, Book>,
    ws: Workspace,
}

impl Default for Books {
    fn default() -> Self {
        Self {
            books: HashMap::new(),
            ws: Workspace::new(),
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
        let r = book.at(prices, now);
        let a = Account {
            collateral: r.collateral,
            positions: &r.positions,
            now: r.now,
        };
        margin_in(&mut self.ws, &a, &r.underlyings, &r.params()).map_err(|e| format!("{e:?}"))
    }

    /// Every book margined at `prices` and `now`, least healthy first; a book `pm-risk` refuses
    /// comes first, with why (the chain must be asked).
    pub fn remargin(
        &mut self,
        prices: &[Option<i128>],
        now: u64,
    ) -> Vec<(Address, Result<MarginReport, String>)> {
        let accounts: Vec<Address> = self.books.keys().copied().collect();
        let mut out: Vec<(Address, Result<MarginReport, String>)> = accounts
            .into_iter()
            .map(|a| {
                let r = self.margin(&a, prices, now);
                (a, r)
            })
            .collect();
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
            positions: vec![
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
            ],
            quotes: 0,
        })
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
