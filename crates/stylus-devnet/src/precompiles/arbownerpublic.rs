//! The ArbOwnerPublic precompile at 0x6b (Nitro's `precompiles/ArbOwnerPublic.go`), with what
//! Arbitrum's CacheManager contract asks: `isChainOwner(address)`, `getAllChainOwners()` and
//! `getNetworkFeeAccount()` (the devnet's chain owner is its only owner and its network fee
//! account). Charged as Nitro's framework charges it (`burner`): one storage read per answer word
//! read. Writes, value, other methods and bad arguments burn all the gas. Generic over revm's
//! context: it never imports the EVM that dispatches to it.

use revm::context_interface::ContextTr;
use revm::interpreter::{CallInputs, InterpreterResult};
use revm::primitives::{Address, U256};

use crate::precompiles::abi::{address_arg, address_array, db_error, selector};
use crate::precompiles::addresses::ARB_OWNER_PUBLIC;
use crate::precompiles::burner::{burn_out, refused_before_method, Burner};
use crate::precompiles::owners::chain_owner;

/// ArbOwnerPublic's address.
pub const ADDRESS: Address = ARB_OWNER_PUBLIC;

/// `isChainOwner(address)`.
const IS_CHAIN_OWNER: [u8; 4] = [0x26, 0xef, 0x7f, 0x68];
/// `getAllChainOwners()`.
const GET_ALL_CHAIN_OWNERS: [u8; 4] = [0x51, 0x6b, 0x4e, 0x0f];
/// `getNetworkFeeAccount()`.
const GET_NETWORK_FEE_ACCOUNT: [u8; 4] = [0x2d, 0x91, 0x25, 0xe9];

/// Runs a call to 0x6b. `Err` (fatal) only when the database fails.
pub fn run<CTX: ContextTr>(ctx: &mut CTX, inputs: &CallInputs) -> Result<InterpreterResult, String> {
    let limit = inputs.gas_limit;
    let input = inputs.input.bytes(ctx);
    if refused_before_method(inputs, ADDRESS, &input, false, false) {
        return Ok(burn_out(limit));
    }
    let Ok(mut b) = Burner::open(limit, input.len() - 4) else {
        return Ok(burn_out(limit));
    };
    let owner = chain_owner(ctx).map_err(db_error)?;
    match selector(&input) {
        IS_CHAIN_OWNER => {
            let Some(a) = address_arg(&input) else {
                return Ok(burn_out(limit));
            };
            if b.read().is_err() {
                return Ok(b.burn_out());
            }
            Ok(b.answer_word(U256::from(a == owner && !owner.is_zero())))
        }
        GET_ALL_CHAIN_OWNERS => {
            // The size, then each member.
            let owners: Vec<Address> = Some(owner).filter(|o| !o.is_zero()).into_iter().collect();
            for _ in 0..=owners.len() {
                if b.read().is_err() {
                    return Ok(b.burn_out());
                }
            }
            Ok(b.answer(address_array(&owners)))
        }
        GET_NETWORK_FEE_ACCOUNT => {
            if b.read().is_err() {
                return Ok(b.burn_out());
            }
            Ok(b.answer_word(U256::from_be_slice(owner.as_slice())))
        }
        _ => Ok(burn_out(limit)),
    }
}
