//! Contract creation on the test host: init code runs on a small stack machine that knows only
//! the opcodes a data contract's init code uses (PUSH1–PUSH32, DUP1–DUP16, CODECOPY, RETURN);
//! anything else fails the creation, as a revert would. The engine creates nothing but data
//! contracts; the devnet (`crates/stylus-devnet`) runs every init code on the real EVM.

/// The most memory an init code may use here (a contract's code is at most 24,576 bytes).
const MAX_MEMORY: usize = 1 << 20;

/// The code that `init` returns, or `None` when it fails or uses another opcode.
pub fn run_init_code(init: &[u8]) -> Option<Vec<u8>> {
    let mut stack: Vec<usize> = Vec::new();
    let mut memory: Vec<u8> = Vec::new();
    let mut pc = 0usize;
    while let Some(&op) = init.get(pc) {
        pc += 1;
        match op {
            0x60..=0x7F => {
                let n = usize::from(op - 0x5F);
                let bytes = init.get(pc..pc + n)?;
                // Larger than a word of memory offsets: refused rather than truncated.
                if n > 8 && bytes[..n - 8].iter().any(|b| *b != 0) {
                    return None;
                }
                stack.push(bytes.iter().fold(0usize, |v, b| (v << 8) | usize::from(*b)));
                pc += n;
            }
            0x80..=0x8F => {
                let depth = usize::from(op - 0x80);
                let v = *stack.get(stack.len().checked_sub(depth + 1)?)?;
                stack.push(v);
            }
            0x39 => {
                let (dest, offset, size) = (stack.pop()?, stack.pop()?, stack.pop()?);
                let end = dest.checked_add(size).filter(|end| *end <= MAX_MEMORY)?;
                if memory.len() < end {
                    memory.resize(end, 0);
                }
                for i in 0..size {
                    memory[dest + i] = offset
                        .checked_add(i)
                        .and_then(|at| init.get(at))
                        .copied()
                        .unwrap_or(0);
                }
            }
            0xF3 => {
                let (offset, size) = (stack.pop()?, stack.pop()?);
                if size > MAX_MEMORY {
                    return None;
                }
                let mut out = vec![0u8; size];
                for (i, b) in out.iter_mut().enumerate() {
                    *b = offset
                        .checked_add(i)
                        .and_then(|at| memory.get(at))
                        .copied()
                        .unwrap_or(0);
                }
                return Some(out);
            }
            _ => return None,
        }
    }
    // Init code that ends without RETURN deploys empty code.
    Some(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_code_that_copies_its_tail_deploys_the_tail() {
        // PUSH1 3; DUP1; PUSH1 11; PUSH1 0; CODECOPY; PUSH1 0; RETURN; then the code.
        let init = [0x60, 3, 0x80, 0x60, 11, 0x60, 0, 0x39, 0x60, 0, 0xF3, 0xFE, 1, 2];
        assert_eq!(run_init_code(&init), Some(vec![0xFE, 1, 2]));
        assert_eq!(run_init_code(&[]), Some(vec![]));
        // SSTORE (0x55) is not a data contract's: the creation fails.
        assert_eq!(run_init_code(&[0x60, 1, 0x60, 0, 0x55]), None);
        // A stack underflow fails too.
        assert_eq!(run_init_code(&[0xF3]), None);
    }
}
