//! Native tests of the clearinghouse library on a TestVM-backed host (`pm-test-host`): a fake
//! vault with a settlement ledger, fake feeds and tokens, and the real risk program
//! (`pm_risk_program::answer`) behind a static call, so every margin figure is the real math's.
//! One file per feature; `support` sets the chain up.

mod expiry;
mod liquidation;
mod markets;
mod ownership;
mod param_table;
mod parameters;
mod reference;
mod risk_oracle;
mod rules;
mod settlement;
mod setup;
mod support;
mod trading;
mod underlyings;
mod views;
mod withdrawable;
