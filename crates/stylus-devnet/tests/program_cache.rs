//! Arbitrum's program cache as Nitro keeps it (`precompiles/ArbWasmCache.go`, `ArbOwner.go`,
//! `ArbOwnerPublic.go`, `arbos/programs/programs.go` `SetProgramCached`): the chain owner adds
//! cache managers through ArbOwner, a manager (or the owner) caches and evicts, anyone else
//! burns all the gas (the chain owner is never charged by ArbOwner). Each expected figure is
//! derived by hand next to its test.
//!
//! A manager's `cacheProgram(address)` burns: the ArbOS state's version read 800, the argument's
//! copy 3, the manager set's read 800, the program's code hash 2,600, the parameters 100, the
//! program's record 800; then, if it changes the flag, `UpdateProgramCache` (375 + 3·375 + 8·32
//! = 1,756), the program's init cost, the module hash's read 800 and the record's write 20,000.
//! `evictCodehash(bytes32)` burns the same but the code hash's read.

mod common;
use common::{floor, intrinsic};
use revm::primitives::{keccak256, Address, Bytes, U256};
use stylus_devnet::precompiles::{arbowner, arbownerpublic};
use stylus_devnet::{arbwasm, arbwasmcache, Devnet, Receipt};

const EMPTY: &str = r#"(module (memory (export "memory") 1 1)
    (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;

/// Up to the record's read, for `cacheProgram` by a manager.
const BEFORE_CHANGE: u64 = 800 + 3 + 800 + 2_600 + 100 + 800;
/// The event, the module hash's read and the record's write (the init cost comes on top).
const CHANGE: u64 = 1_756 + 800 + 20_000;

fn call(selector: &str, arg: [u8; 32]) -> Vec<u8> {
    let mut data = keccak256(selector)[..4].to_vec();
    data.extend_from_slice(&arg);
    data
}

fn address_word(a: Address) -> [u8; 32] {
    a.into_word().0
}

/// A program call's gas in a new block (a block's repeat calls pay only the cached entry, ArbOS
/// 60 on).
fn program_call(chain: &mut Devnet, from: Address, program: Address) -> u64 {
    chain.advance(0);
    chain.send(from, program, Bytes::new(), U256::ZERO).gas_used
}

fn word(r: &Receipt, i: usize) -> U256 {
    U256::from_be_slice(&r.output[32 * i..32 * (i + 1)])
}

/// An activated [`EMPTY`]: (chain, the chain owner, the program, its init cost from
/// `programInitGas`: uncached − cached − 69·128).
fn activated() -> (Devnet, Address, Address, u64) {
    let mut chain = Devnet::new();
    let owner = chain.accounts[0];
    let (program, _, _) = chain
        .deploy_program(owner, &wat::parse_str(EMPTY).unwrap())
        .unwrap();
    let init = chain.call(
        owner,
        arbwasm::ADDRESS,
        call("programInitGas(address)", address_word(program)),
    );
    let init_cost = (word(&init, 0) - word(&init, 1)).to::<u64>() - 69 * 128;
    (chain, owner, program, init_cost)
}

fn add_manager(chain: &mut Devnet, from: Address, manager: Address) -> Receipt {
    let data = call("addWasmCacheManager(address)", address_word(manager));
    chain.send(from, arbowner::ADDRESS, data, U256::ZERO)
}

fn is_cached(chain: &mut Devnet, program: Address) -> bool {
    let hash = chain.code_hash(program);
    let r = chain.call(
        program,
        arbwasmcache::ADDRESS,
        call("codehashIsCached(bytes32)", hash.0),
    );
    word(&r, 0) == U256::from(1)
}

#[test]
fn the_chain_owner_adds_a_cache_manager_and_nobody_else_can() {
    let (mut chain, owner, _, _) = activated();
    let (manager, stranger) = (chain.accounts[1], chain.accounts[2]);
    // A stranger's call to ArbOwner burns all its gas and adds nothing.
    let data = call("addWasmCacheManager(address)", address_word(stranger));
    let r = chain.send_with_gas(stranger, arbowner::ADDRESS, data, U256::ZERO, 100_000);
    assert_eq!((r.status, r.gas_used), (false, 100_000));
    // The owner's is not charged beyond the transaction, and says so in `OwnerActs`.
    let data = call("addWasmCacheManager(address)", address_word(manager));
    let r = add_manager(&mut chain, owner, manager);
    assert!(r.status, "{r:?}");
    assert_eq!(r.gas_used, floor(&data));
    let log = &r.logs[0];
    assert_eq!(log.topics()[0], keccak256("OwnerActs(bytes4,address,bytes)"));
    assert_eq!(&log.topics()[1][..4], &data[..4]);
    assert_eq!(log.topics()[2], owner.into_word());
    assert_eq!(&log.data.data[64..64 + data.len()], data.as_slice());
    // Asked of ArbWasmCache: one read each, the answer's copy.
    let ask = call("isCacheManager(address)", address_word(manager));
    let r = chain.send(stranger, arbwasmcache::ADDRESS, ask.clone(), U256::ZERO);
    assert_eq!(word(&r, 0), U256::from(1));
    assert_eq!(r.gas_used, intrinsic(&ask) + 800 + 3 + 800 + 3);
    // Value to a method that is not payable, or no selector, burns all the gas (Nitro's
    // framework refuses before the method), as do they to ArbOwnerPublic.
    let r = chain.send_with_gas(
        stranger,
        arbwasmcache::ADDRESS,
        ask.clone(),
        U256::from(1),
        100_000,
    );
    assert_eq!((r.status, r.gas_used), (false, 100_000));
    let r = chain.send_with_gas(stranger, arbwasmcache::ADDRESS, vec![0x85], U256::ZERO, 100_000);
    assert_eq!((r.status, r.gas_used), (false, 100_000));
    let owner_ask = call("isChainOwner(address)", address_word(owner));
    let r = chain.send_with_gas(
        stranger,
        arbownerpublic::ADDRESS,
        owner_ask,
        U256::from(1),
        100_000,
    );
    assert_eq!((r.status, r.gas_used), (false, 100_000));
    let not = call("isCacheManager(address)", address_word(stranger));
    assert_eq!(
        word(&chain.call(stranger, arbwasmcache::ADDRESS, not), 0),
        U256::ZERO
    );
    let all = keccak256("allCacheManagers()")[..4].to_vec();
    let r = chain.send(stranger, arbwasmcache::ADDRESS, all.clone(), U256::ZERO);
    assert_eq!(
        (word(&r, 1), word(&r, 2)),
        (U256::from(1), U256::from_be_slice(manager.as_slice()))
    );
    // The size and one member read; three words' copy.
    assert_eq!(r.gas_used, intrinsic(&all) + 800 + 800 + 800 + 9);
    // Added twice, listed once.
    assert!(add_manager(&mut chain, owner, manager).status);
    assert_eq!(
        word(&chain.call(stranger, arbwasmcache::ADDRESS, all), 1),
        U256::from(1)
    );
}

#[test]
fn a_manager_caches_and_evicts_and_pays_the_init_cost_each_time() {
    let (mut chain, owner, program, init_cost) = activated();
    let (manager, stranger) = (chain.accounts[1], chain.accounts[2]);
    assert!(add_manager(&mut chain, owner, manager).status);
    let cache = call("cacheProgram(address)", address_word(program));
    // A stranger burns all the gas, and the program stays uncached.
    let r = chain.send_with_gas(
        stranger,
        arbwasmcache::ADDRESS,
        cache.clone(),
        U256::ZERO,
        200_000,
    );
    assert_eq!((r.status, r.gas_used), (false, 200_000));
    assert!(!is_cached(&mut chain, program));
    let uncached_call = program_call(&mut chain, stranger, program);

    let r = chain.send(manager, arbwasmcache::ADDRESS, cache.clone(), U256::ZERO);
    assert!(r.status, "{r:?}");
    assert_eq!(r.gas_used, intrinsic(&cache) + BEFORE_CHANGE + init_cost + CHANGE);
    let hash = chain.code_hash(program);
    let log = &r.logs[0];
    assert_eq!(log.address, arbwasmcache::ADDRESS);
    assert_eq!(
        log.topics(),
        [
            keccak256("UpdateProgramCache(address,bytes32,bool)"),
            manager.into_word(),
            hash
        ]
    );
    assert_eq!(U256::from_be_slice(&log.data.data), U256::from(1));
    assert!(is_cached(&mut chain, program));
    // Its calls skip the uncached entry: 69·128 + the init cost.
    let cached_call = program_call(&mut chain, stranger, program);
    assert_eq!(uncached_call - cached_call, 69 * 128 + init_cost);
    // Caching it again changes nothing: no event, only the reads.
    let r = chain.send(manager, arbwasmcache::ADDRESS, cache, U256::ZERO);
    assert_eq!((r.status, r.logs.len()), (true, 0));
    assert_eq!(
        r.gas_used,
        intrinsic(&call("cacheProgram(address)", address_word(program))) + BEFORE_CHANGE
    );

    let evict = call("evictCodehash(bytes32)", hash.0);
    let r = chain.send_with_gas(
        stranger,
        arbwasmcache::ADDRESS,
        evict.clone(),
        U256::ZERO,
        200_000,
    );
    assert_eq!((r.status, r.gas_used), (false, 200_000));
    assert!(is_cached(&mut chain, program));
    let r = chain.send(manager, arbwasmcache::ADDRESS, evict.clone(), U256::ZERO);
    assert!(r.status, "{r:?}");
    assert_eq!(
        r.gas_used,
        intrinsic(&evict) + BEFORE_CHANGE - 2_600 + init_cost + CHANGE
    );
    assert_eq!(U256::from_be_slice(&r.logs[0].data.data), U256::ZERO);
    assert!(!is_cached(&mut chain, program));
    assert_eq!(program_call(&mut chain, stranger, program), uncached_call);
}

#[test]
fn the_owner_caches_too_and_a_removed_manager_no_longer_can() {
    let (mut chain, owner, program, _) = activated();
    let manager = chain.accounts[1];
    assert!(add_manager(&mut chain, owner, manager).status);
    let remove = call("removeWasmCacheManager(address)", address_word(manager));
    assert!(
        chain
            .send(owner, arbowner::ADDRESS, remove.clone(), U256::ZERO)
            .status
    );
    // Removing an address that is not a manager fails; the owner is not charged for it.
    let r = chain.send_with_gas(owner, arbowner::ADDRESS, remove.clone(), U256::ZERO, 100_000);
    assert_eq!((r.status, r.gas_used), (false, floor(&remove)));
    // Nor for a method the devnet's ArbOwner does not have.
    let other = call("setNetworkFeeAccount(address)", address_word(manager));
    let r = chain.send_with_gas(owner, arbowner::ADDRESS, other.clone(), U256::ZERO, 100_000);
    assert_eq!((r.status, r.gas_used), (false, floor(&other)));
    let cache = call("cacheProgram(address)", address_word(program));
    let r = chain.send_with_gas(manager, arbwasmcache::ADDRESS, cache.clone(), U256::ZERO, 200_000);
    assert_eq!((r.status, r.gas_used), (false, 200_000));
    // The owner is not a manager: one more read, the chain owners'.
    let r = chain.send(owner, arbwasmcache::ADDRESS, cache.clone(), U256::ZERO);
    assert!(r.status, "{r:?}");
    assert!(is_cached(&mut chain, program));
    let all = keccak256("allCacheManagers()")[..4].to_vec();
    assert_eq!(
        word(&chain.call(owner, arbwasmcache::ADDRESS, all), 1),
        U256::ZERO
    );
}

#[test]
fn only_an_active_program_of_this_version_is_cached() {
    let (mut chain, owner, _, _) = activated();
    // An account with no program: ProgramNeedsUpgrade(0, 2), after the record's read and the
    // error's three words.
    let cache = call("cacheProgram(address)", address_word(chain.accounts[5]));
    let r = chain.send(owner, arbwasmcache::ADDRESS, cache.clone(), U256::ZERO);
    assert!(!r.status);
    assert_eq!(&r.output[..4], &arbwasm::PROGRAM_NEEDS_UPGRADE);
    let version = chain.call(
        owner,
        arbwasm::ADDRESS,
        keccak256("stylusVersion()")[..4].to_vec(),
    );
    assert_eq!(U256::from_be_slice(&r.output[4..36]), U256::ZERO);
    assert_eq!(U256::from_be_slice(&r.output[36..68]), word(&version, 0));
    // Nitro reads the chain owners after the managers: 800 more.
    assert_eq!(r.gas_used, intrinsic(&cache) + BEFORE_CHANGE + 800 + 9);
    // Evicting a code hash nothing has is a no-op that succeeds.
    let evict = call("evictCodehash(bytes32)", [7; 32]);
    let r = chain.send(owner, arbwasmcache::ADDRESS, evict, U256::ZERO);
    assert_eq!((r.status, r.logs.len()), (true, 0));
}

#[test]
fn arb_owner_public_names_the_chain_owner_and_the_fee_account() {
    let (mut chain, owner, _, _) = activated();
    let other = chain.accounts[3];
    let is_owner = |chain: &mut Devnet, a: Address| {
        let r = chain.call(
            other,
            arbownerpublic::ADDRESS,
            call("isChainOwner(address)", address_word(a)),
        );
        word(&r, 0) == U256::from(1)
    };
    assert!(is_owner(&mut chain, owner));
    assert!(!is_owner(&mut chain, other));
    let fee = keccak256("getNetworkFeeAccount()")[..4].to_vec();
    let r = chain.send(other, arbownerpublic::ADDRESS, fee.clone(), U256::ZERO);
    assert_eq!(word(&r, 0), U256::from_be_slice(owner.as_slice()));
    assert_eq!(r.gas_used, intrinsic(&fee) + 800 + 800 + 3);
    let all = keccak256("getAllChainOwners()")[..4].to_vec();
    let r = chain.call(other, arbownerpublic::ADDRESS, all);
    assert_eq!(
        (word(&r, 1), word(&r, 2)),
        (U256::from(1), U256::from_be_slice(owner.as_slice()))
    );
}

#[test]
fn removing_a_manager_moves_the_last_into_its_place() {
    let (mut chain, owner, _, _) = activated();
    let [a, b, c] = [chain.accounts[1], chain.accounts[2], chain.accounts[3]];
    for m in [a, b, c] {
        assert!(add_manager(&mut chain, owner, m).status);
    }
    let managers = |chain: &mut Devnet| {
        let r = chain.call(
            owner,
            arbwasmcache::ADDRESS,
            keccak256("allCacheManagers()")[..4].to_vec(),
        );
        let n = word(&r, 1).to::<usize>();
        (0..n)
            .map(|i| Address::from_word(word(&r, 2 + i).into()))
            .collect::<Vec<_>>()
    };
    let is_manager = |chain: &mut Devnet, m: Address| {
        let r = chain.call(
            owner,
            arbwasmcache::ADDRESS,
            call("isCacheManager(address)", address_word(m)),
        );
        word(&r, 0) == U256::from(1)
    };
    assert_eq!(managers(&mut chain), [a, b, c]);
    let remove = |m: Address| call("removeWasmCacheManager(address)", address_word(m));
    assert!(chain.send(owner, arbowner::ADDRESS, remove(a), U256::ZERO).status);
    assert_eq!(managers(&mut chain), [c, b]);
    assert!(!is_manager(&mut chain, a) && is_manager(&mut chain, c));
    // The moved member is removed from its new place; the last one from the end.
    assert!(chain.send(owner, arbowner::ADDRESS, remove(c), U256::ZERO).status);
    assert_eq!(managers(&mut chain), [b]);
    assert!(chain.send(owner, arbowner::ADDRESS, remove(b), U256::ZERO).status);
    assert!(managers(&mut chain).is_empty());
    assert!(!is_manager(&mut chain, b) && !is_manager(&mut chain, c));
    // And added again, from the start.
    assert!(add_manager(&mut chain, owner, c).status);
    assert_eq!(managers(&mut chain), [c]);
}

/// An EVM contract that first does `before` (bytecode), then answers the gas an
/// `EXTCODESIZE(program)` costs, with its PUSH20, POP and one GAS: 2,607 cold, 107 warm.
fn extcodesize_gas_after(before: &[u8], program: Address) -> Vec<u8> {
    let mut runtime = before.to_vec();
    runtime.push(0x5a); // GAS
    runtime.push(0x73); // PUSH20 program
    runtime.extend_from_slice(program.as_slice());
    // EXTCODESIZE POP GAS SWAP1 SUB PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
    runtime.extend_from_slice(&[0x3b, 0x50, 0x5a, 0x90, 0x03, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]);
    let len = u8::try_from(runtime.len()).unwrap();
    // CODECOPY(0, 10, len) RETURN(0, len)
    let mut init = vec![0x60, len, 0x60, 0x0a, 0x5f, 0x39, 0x60, len, 0x5f, 0xf3];
    init.extend(runtime);
    init
}

/// `STATICCALL(gas, precompile, ·)` with `selector(program)` as its calldata, its result popped.
fn static_call_about(precompile: u8, selector: &str, program: Address) -> Vec<u8> {
    let mut code = vec![0x63]; // PUSH4 selector, shifted to the word's top: mem[0..4]
    code.extend_from_slice(&keccak256(selector)[..4]);
    code.extend_from_slice(&[0x60, 0xe0, 0x1b, 0x5f, 0x52]); // PUSH1 224 SHL PUSH0 MSTORE
    code.push(0x73); // PUSH20 program, as the argument word mem[4..36]
    code.extend_from_slice(program.as_slice());
    code.extend_from_slice(&[0x60, 0x04, 0x52]);
    // STATICCALL(GAS, precompile, 0, 36, 0, 32) POP
    code.extend_from_slice(&[
        0x60, 0x20, 0x5f, 0x60, 0x24, 0x5f, 0x60, precompile, 0x5a, 0xfa, 0x50,
    ]);
    code
}

#[test]
fn reading_a_program_s_code_hash_does_not_warm_its_account() {
    // Nitro's ArbOS reads a code hash without touching the access list: a call to the program
    // after ArbWasm's `programVersion` still pays the cold access, as it would with nothing
    // before it; only an EVM access before it warms the account.
    let (mut chain, owner, program, _) = activated();
    let mut extcodesize_gas = |before: Vec<u8>| {
        let contract = chain
            .create(owner, extcodesize_gas_after(&before, program), U256::ZERO)
            .contract_address
            .unwrap();
        word(&chain.call(owner, contract, Vec::new()), 0)
    };
    assert_eq!(extcodesize_gas(Vec::new()), U256::from(2_607));
    let version = static_call_about(0x71, "programVersion(address)", program);
    assert_eq!(extcodesize_gas(version), U256::from(2_607));
    let mut warmed = vec![0x73];
    warmed.extend_from_slice(program.as_slice());
    warmed.extend_from_slice(&[0x3b, 0x50]); // EXTCODESIZE POP
    assert_eq!(extcodesize_gas(warmed), U256::from(107));
}
