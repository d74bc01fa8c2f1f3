//! Arbitrum's Stylus prices (`../shared/docs/stylus-runtime.md` §3, §5, §6), in ink and gas.

use wasmparser::Operator;

/// Ink per gas.
pub const INK_PER_GAS: u64 = 10_000;
/// Ink charged by each metering check, on top of its block's operations.
pub const BLOCK_HEADER_INK: u64 = 2_450;
/// Run-time ink per byte of `memory.copy` / `memory.fill`.
pub const MEMORY_BYTE_INK: u64 = 100;
/// Stack budget of a call chain, in words (ArbOS 50+).
pub const STACK_DEPTH_WORDS: u32 = 22_000;

/// Host-call base prices, ink.
pub const HOSTIO_INK: u64 = 8_400;
/// Price of a host call that takes a pointer.
pub const PTR_INK: u64 = 5_040;
/// Price of a host call that goes through the EVM API.
pub const EVM_API_INK: u64 = 59_673;
/// The EVM call's ink in whole gas (5), which a storage load that misses the cache also pays.
pub const EVM_API_GAS: u64 = EVM_API_INK / INK_PER_GAS;

/// Ink to write `n` bytes into the program's memory.
pub const fn write_price(n: u64) -> u64 {
    PTR_INK + 30 * n.saturating_sub(32)
}

/// Ink to read `n` bytes from the program's memory.
pub const fn read_price(n: u64) -> u64 {
    16_381 + 55 * n.saturating_sub(32)
}

/// The ink price of one operator (pricing v1). Float operators cost `u64::MAX`: a block that
/// executes one can never be paid for.
pub fn op_ink(op: &Operator<'_>) -> u64 {
    use Operator::*;
    match op {
        Unreachable
        | Return
        | Nop
        | I32Const { .. }
        | I64Const { .. }
        | Block { .. }
        | Loop { .. }
        | Else
        | End => 1,
        Drop => 9,
        Br { .. } | BrIf { .. } | If { .. } => 765,
        BrTable { targets } => 2_400u64.saturating_add(325u64.saturating_mul(u64::from(targets.len()))),
        Select | TypedSelect { .. } => 1_250,
        Call { .. } => 3_800,
        CallIndirect { .. } => 13_610, // + 650 per parameter: added by the meter, which knows the type
        LocalGet { .. } | LocalTee { .. } => 75,
        LocalSet { .. } => 210,
        GlobalGet { .. } => 225,
        GlobalSet { .. } => 575,
        I32Load { .. } | I32Load8S { .. } | I32Load8U { .. } | I32Load16S { .. } | I32Load16U { .. } => 670,
        I64Load { .. }
        | I64Load8S { .. }
        | I64Load8U { .. }
        | I64Load16S { .. }
        | I64Load16U { .. }
        | I64Load32S { .. }
        | I64Load32U { .. } => 680,
        I32Store { .. } | I32Store8 { .. } | I32Store16 { .. } => 825,
        I64Store { .. } | I64Store8 { .. } | I64Store16 { .. } | I64Store32 { .. } => 950,
        MemorySize { .. } => 3_000,
        MemoryGrow { .. } => 8_050,
        MemoryCopy { .. } | MemoryFill { .. } | MemoryInit { .. } => 950,
        DataDrop { .. } => 950,
        I32Eqz | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS | I32GeU => 170,
        I64Eqz | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS | I64GeU => 225,
        I32Add | I32Sub | I32And | I32Or | I32Xor | I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => 70,
        I64Add | I64Sub | I64And | I64Or | I64Xor | I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => 100,
        I32Mul | I64Mul => 160,
        I32DivS | I32DivU | I32RemS | I32RemU => 1_120,
        I64DivS | I64DivU | I64RemS | I64RemU => 1_270,
        I32Clz | I32Ctz | I64Clz | I64Ctz => 210,
        I32Popcnt => 2_650,
        I64Popcnt => 6_000,
        I32WrapI64 | I64ExtendI32S | I64ExtendI32U | I32Extend8S | I32Extend16S | I64Extend8S
        | I64Extend16S | I64Extend32S => 100,
        _ => u64::MAX, // floats (and anything Stylus does not price)
    }
}
