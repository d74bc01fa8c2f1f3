//! 64-bit binary fixed point for the scenario hot path: `e^(−y)` and the normal tail `Φ(−x)`.
//!
//! Stylus charges every wasm op: a `u64` multiply is one `i64.mul` (160 ink), while a 128-bit
//! product or division is a software routine (a call and dozens of ops). So the hot path works on
//! `u64` words in binary fixed point, named by their fractional bits: `Q63` holds 1.0 as `2^63`,
//! `Q52` holds 1.0 as `2^52`. Products go through [`mul_wide`] (in wasm four 32-bit partial
//! products; natively one instruction, the same result).
//!
//! Error bounds (tests in `tests/q64.rs`, against a float reference and the [`crate::math`]
//! functions): [`exp_neg`] within 2e-18 + 3e-16·e^(−y) (the relative part is the float
//! reference's own resolution); [`normal_tail`] within 3e-16 absolute of the float reference, and
//! within 2e-14 of [`crate::math::norm_cdf`] (the same rational form and continued fraction);
//! [`density`] within 3e-18 + 5e-16·φ.

#![allow(clippy::arithmetic_side_effects)] // every operation's range is stated where it is used

use crate::wide::div_128_by_64;
pub use crate::wide::{mul_wide, Factor};

/// `floor(a·b / 2^k)` for `1 <= k <= 64`, when it fits 64 bits (the caller's ranges say so).
#[inline]
pub fn mul_shr(a: u64, b: u64, k: u32) -> u64 {
    let (hi, lo) = mul_wide(a, b);
    if k == 64 {
        hi
    } else {
        (hi << (64 - k)) | (lo >> k)
    }
}

/// `floor(a·b / 2^k)` for a prepared factor `b` (as [`mul_shr`]).
#[inline]
pub fn mul_shr_by(a: u64, b: &Factor, k: u32) -> u64 {
    let (hi, lo) = b.mul_wide(a);
    if k == 64 {
        hi
    } else {
        (hi << (64 - k)) | (lo >> k)
    }
}

/// `floor(a·b / 2^64)`.
#[inline]
pub fn mul_hi(a: u64, b: u64) -> u64 {
    mul_wide(a, b).0
}

/// 1.0 in Q63.
pub const ONE_Q63: u64 = 1 << 63;

/// 32/ln 2 in Q56, rounded down (so the reduction below never overshoots).
const LOG2E_32_Q56: u64 = 3_326_628_274_461_080_622;
/// ln 2/32 in Q64, rounded down.
const LN2_32_Q64: u64 = 399_572_145_162_582_989;
/// 2^(−j/32) in Q64 for j = 0..31 (j = 0 is 1 − 2^-64).
const EXP2_NEG_32_Q64: [u64; 32] = [
    18_446_744_073_709_551_615,
    18_051_468_387_014_017_850,
    17_664_662_643_191_237_676,
    17_286_145_348_831_213_003,
    16_915_738_899_553_466_671,
    16_553_269_496_673_159_336,
    16_198_567_065_652_879_633,
    15_851_465_176_301_844_309,
    15_511_800_964_685_064_948,
    15_179_415_056_705_840_218,
    14_854_151_493_325_717_732,
    14_535_857_657_386_837_923,
    14_224_384_202_002_324_189,
    13_919_584_980_481_119_318,
    13_621_316_977_754_388_159,
    13_329_440_243_271_311_081,
    13_043_817_825_332_782_212,
    12_764_315_706_832_201_104,
    12_490_802_742_373_206_726,
    12_223_150_596_734_848_760,
    11_961_233_684_655_323_370,
    11_704_929_111_906_019_353,
    11_454_116_617_628_225_966,
    11_208_678_517_905_446_201,
    10_968_499_650_544_839_023,
    10_733_467_321_041_881_441,
    10_503_471_249_702_896_438,
    10_278_403_519_900_636_096,
    10_058_158_527_438_640_871,
    9_842_632_931_000_616_231,
    9_631_725_603_661_576_981,
    9_425_337_585_438_007_767,
];
/// 1/i! in Q63 for i = 0..9.
const INV_FACTORIAL_Q63: [u64; 10] = [
    9_223_372_036_854_775_808,
    9_223_372_036_854_775_808,
    4_611_686_018_427_387_904,
    1_537_228_672_809_129_301,
    384_307_168_202_282_325,
    76_861_433_640_456_465,
    12_810_238_940_076_078,
    1_830_034_134_296_583,
    228_754_266_787_073,
    25_417_140_754_119,
];
const LAST_INV_FACTORIAL_Q63: u64 = 25_417_140_754_119;
/// Below `e^-44` the result is under one Q63 unit: 0.
const EXP_NEG_ZERO_Q56: u64 = 44 << 56;

/// `e^(−y)` in Q63 for `y >= 0` in Q56 (any `u64`).
///
/// `y = k·ln2/32 + r` with `0 <= r < 0.0217` (k is rounded down from a constant itself rounded
/// down, so r may exceed ln2/32 = 0.02166 by 1e-14 of it), `e^(−y) = 2^(−k/32)·e^(−r)`: `e^(−r)` by
/// its Taylor series to r⁹/9! (the next term is below 1e-23), `2^(−j/32)` from a table, and a
/// shift.
pub fn exp_neg(y: u64) -> u64 {
    if y >= EXP_NEG_ZERO_Q56 {
        return 0;
    }
    // y < 44·2^56 < 2^62 and the constant < 2^62: k = floor(y·32/ln2) < 2^11.
    let k = mul_shr(y, LOG2E_32_Q56, 64) >> 48;
    // k·ln2/32 ≤ y since both constants round down, and r = y − k·ln2/32 < 2·ln2/32 < 2^-4.5:
    // computed in Q64 over 128 bits (y·2^8 < 2^70, k·ln2/32 < 2^70), then it fits 64 bits.
    let (k_hi, k_lo) = mul_wide(k, LN2_32_Q64);
    let product = (u128::from(k_hi) << 64) | u128::from(k_lo);
    let r = (u128::from(y) << 8).saturating_sub(product) as u64;
    let r = Factor::new(r);
    let mut acc = LAST_INV_FACTORIAL_Q63;
    for c in INV_FACTORIAL_Q63.iter().rev().skip(1) {
        // acc stays in (0, 1]: every term of the alternating series is below the one before.
        acc = c - mul_shr_by(acc, &r, 64);
    }
    let two_j = EXP2_NEG_32_Q64.get((k & 31) as usize).copied().unwrap_or(0);
    let scaled = mul_hi(acc, two_j);
    // (Q63 × Q64) >> 64 = Q63; then 2^(−k/32 rounded to a multiple of 32).
    let n = (k >> 5) as u32;
    if n >= 64 {
        0
    } else {
        scaled >> n
    }
}

/// Hart's numerator in Q44 (the coefficients of `math::norm_cdf`, rounded to 44 bits).
const HART_P_Q44: [u64; 7] = [
    3_873_920_188_572_659,
    3_891_630_739_375_737,
    1_971_719_747_756_879,
    596_601_449_350_278,
    112_131_928_924_605,
    12_321_269_172_052,
    620_344_400_576,
];
/// Hart's denominator in Q44.
const HART_Q_Q44: [u64; 8] = [
    7_747_840_377_145_317,
    13_965_143_695_240_852,
    11_212_091_850_764_014,
    5_217_213_438_654_496,
    1_526_662_785_984_871,
    282_604_000_623_946,
    30_886_023_366_781,
    1_554_944_255_988,
];
/// 10/√2 in Q52: below it Hart's rational form, above it the continued fraction.
pub const TAIL_SPLIT_Q52: u64 = 31_845_258_362_628_862;
/// 9.3 in Q52: beyond it the tail is below half of 1e-18, taken as 0.
pub const TAIL_ZERO_Q52: u64 = 41_883_476_534_545_612;
/// √(2π) in Q60.
const SQRT_2PI_Q60: u64 = 2_889_945_641_877_637_933;
/// 0.65 in Q52 (the continued fraction's last term).
const CF_LAST_Q52: u64 = 2_927_339_757_790_822;

/// Σ c_i·x^i in Q44 by Horner, for coefficients in Q44 and x < 7.08 in Q52 (< 2^55): every
/// accumulator stays below 2^64 (the denominator peaks at 941,284 < 2^19.9 at the split).
#[inline]
fn horner_q44(coefficients: &[u64], x: &Factor) -> u64 {
    coefficients
        .iter()
        .rev()
        .fold(0, |acc, c| mul_shr_by(acc, x, 52) + c)
}

/// The normal tail `Φ(−x)` in Q63 for `x >= 0` in Q52 (any `u64`): Hart's rational form below
/// 10/√2 and the continued fraction above it, as `math::norm_cdf`; 0 beyond 9.3.
pub fn normal_tail(x: u64) -> u64 {
    if x > TAIL_ZERO_Q52 {
        return 0;
    }
    // x < 9.3·2^52 < 2^56: x² < 2^112, and x²/2 in Q56 is x² >> 49 < 2^63.
    let e = exp_neg(mul_shr(x, x, 49));
    if x < TAIL_SPLIT_Q52 {
        let xf = Factor::new(x);
        let p = horner_q44(&HART_P_Q44, &xf);
        let q = horner_q44(&HART_Q_Q44, &xf);
        // P/Q = Φ(−x)·e^(x²/2) ≤ 1/2, so p < q and the Q64 quotient fits.
        let (ratio, _) = div_128_by_64(p, 0, q);
        mul_hi(e, ratio)
    } else {
        // e / (x + 1/(x + 2/(x + 3/(x + 4/(x + 0.65))))) / √(2π), each quotient in Q52: the
        // numerator n·2^104 has its high word n·2^40 below the divisor (> 7·2^52).
        let mut cf = x + CF_LAST_Q52;
        for n in [4u64, 3, 2, 1] {
            cf = x + div_128_by_64(n << 40, 0, cf).0;
        }
        // cf < 10 and √(2π) < 2.6: the product < 26·2^52; e·2^52 / it fits 64 bits.
        let denominator = mul_shr(cf, SQRT_2PI_Q60, 60);
        div_128_by_64(e >> 12, e << 52, denominator).0
    }
}

/// 1/√(2π) in Q64.
const INV_SQRT_2PI_Q64: u64 = 7_359_186_146_747_302_452;
/// 10 in Q52: beyond it the density is below 1e-22, taken as 0.
const DENSITY_ZERO_Q52: u64 = 10 << 52;

/// The standard normal density `φ(x) = e^(−x²/2)/√(2π)` in Q63 for `x` in Q52 (any `i64`):
/// within 3e-18 + 5e-16·φ(x) (tests/q64.rs); 0 beyond |x| > 10.
pub fn density(x: i64) -> u64 {
    let a = x.unsigned_abs();
    if a > DENSITY_ZERO_Q52 {
        return 0;
    }
    // a < 2^56: a² < 2^112, and a²/2 in Q56 is a² >> 49 < 2^63.
    mul_hi(exp_neg(mul_shr(a, a, 49)), INV_SQRT_2PI_Q64)
}

/// A Q63 value in [0, 1] as a Wad (18 decimals), rounded down.
pub fn wad_of_q63(p: u64) -> i128 {
    // p ≤ 2^63 and 1e18 < 2^60: the product is below 2^123, the result below 2^60.
    let (hi, lo) = mul_wide(p, 1_000_000_000_000_000_000);
    i128::from((hi << 1) | (lo >> 63))
}

/// A Q52 value as a Wad, rounded towards zero.
pub fn wad_of_q52(x: i64) -> i128 {
    // |x| < 2^63 and 1e18 < 2^60: the magnitude's product is below 2^123.
    let (hi, lo) = mul_wide(x.unsigned_abs(), 1_000_000_000_000_000_000);
    let v = i128::from(hi) << 12 | i128::from(lo >> 52);
    if x < 0 {
        -v
    } else {
        v
    }
}
