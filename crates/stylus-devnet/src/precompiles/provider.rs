//! The precompiles the EVM dispatches to: Ethereum's, plus ArbOwnerPublic at 0x6b, ArbOwner at
//! 0x70, ArbWasm at 0x71 and ArbWasmCache at 0x72 (all warm from the start, as precompiles are). Generic over revm's context, as revm's
//! own precompile providers are.

use revm::context_interface::{Cfg, ContextTr, JournalTr};
use revm::handler::{EthPrecompiles, PrecompileProvider};
use revm::interpreter::{CallInputs, InterpreterResult};
use revm::primitives::hardfork::SpecId;
use revm::primitives::AddressSet;
use revm::state::EvmState;

use crate::arbos::ArbOs;
use crate::precompiles::{arbowner, arbownerpublic, arbwasm, arbwasmcache};

/// Ethereum precompiles plus ArbOwnerPublic (0x6b), ArbOwner (0x70), ArbWasm (0x71) and
/// ArbWasmCache (0x72).
#[derive(Debug)]
pub struct ArbPrecompiles {
    eth: EthPrecompiles,
    warm: AddressSet,
    arbos: ArbOs,
}

impl ArbPrecompiles {
    /// The precompiles of `spec`, ArbWasm activating under the rules of `arbos`.
    pub fn new(spec: SpecId, arbos: ArbOs) -> Self {
        let eth = EthPrecompiles::new(spec);
        let warm = with_arbitrum(eth.warm_addresses());
        Self { eth, warm, arbos }
    }
}

/// Ethereum's warm addresses plus 0x6b, 0x70, 0x71 and 0x72.
fn with_arbitrum(eth: &AddressSet) -> AddressSet {
    let mut warm = eth.clone();
    warm.insert(arbownerpublic::ADDRESS);
    warm.insert(arbowner::ADDRESS);
    warm.insert(arbwasm::ADDRESS);
    warm.insert(arbwasmcache::ADDRESS);
    warm
}

impl<CTX: ContextTr<Journal: JournalTr<State = EvmState>>> PrecompileProvider<CTX> for ArbPrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <CTX::Cfg as Cfg>::Spec) -> bool {
        let changed = <EthPrecompiles as PrecompileProvider<CTX>>::set_spec(&mut self.eth, spec);
        if changed {
            self.warm = with_arbitrum(self.eth.warm_addresses());
        }
        changed
    }

    fn run(&mut self, ctx: &mut CTX, inputs: &CallInputs) -> Result<Option<InterpreterResult>, String> {
        if inputs.bytecode_address == arbwasm::ADDRESS {
            return arbwasm::run(ctx, inputs, self.arbos).map(Some);
        }
        if inputs.bytecode_address == arbwasmcache::ADDRESS {
            return arbwasmcache::run(ctx, inputs, self.arbos).map(Some);
        }
        if inputs.bytecode_address == arbowner::ADDRESS {
            return arbowner::run(ctx, inputs).map(Some);
        }
        if inputs.bytecode_address == arbownerpublic::ADDRESS {
            return arbownerpublic::run(ctx, inputs).map(Some);
        }
        self.eth.run(ctx, inputs)
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.warm
    }
}
