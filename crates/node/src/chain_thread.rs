//! The chain runs on a thread of its own (the devnet holds `Rc`s and cannot be shared): requests
//! reach it as jobs over a channel and run one at a time, and each gets its answer back on a
//! channel of its own. Requests on different connections run in whatever order they reach the
//! channel.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Sender};
use std::thread::JoinHandle;

use crate::ledger::Ledger;
use crate::node_error::NodeError;

/// A request for the chain: told whether an earlier one panicked, it answers whether it did.
type Job = Box<dyn FnOnce(&mut Ledger, bool) -> bool + Send>;

const POISONED: &str = "the node stopped taking requests after an internal error: restart it";

/// A way to the chain's thread; cloned freely. The thread ends when every handle is dropped.
#[derive(Clone)]
pub struct ChainHandle {
    jobs: Sender<Job>,
}

impl ChainHandle {
    /// Starts the chain's thread; `make` builds the ledger on it.
    pub fn spawn(make: impl FnOnce() -> Ledger + Send + 'static) -> (Self, JoinHandle<()>) {
        let (jobs, queue) = channel::<Job>();
        let thread = std::thread::spawn(move || {
            let mut ledger = make();
            let mut poisoned = false;
            while let Ok(job) = queue.recv() {
                poisoned = job(&mut ledger, poisoned) || poisoned;
            }
        });
        (Self { jobs }, thread)
    }

    /// Runs `f` on the chain and waits for its answer.
    ///
    /// # Errors
    /// `Internal` if the job panicked (a bug): its changes may be half made, so from then on the
    /// node refuses every request (restart it); or if the chain's thread has ended.
    pub fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Ledger) -> T + Send + 'static,
    ) -> Result<T, NodeError> {
        let (reply, answer) = channel();
        let job: Job = Box::new(move |ledger, poisoned| {
            if poisoned {
                let _ = reply.send(Err(NodeError::Internal(POISONED.into())));
                return true;
            }
            match catch_unwind(AssertUnwindSafe(|| f(ledger))) {
                Ok(value) => {
                    let _ = reply.send(Ok(value));
                    false
                }
                Err(_) => {
                    let _ = reply.send(Err(NodeError::Internal(format!(
                        "the request panicked; {POISONED}"
                    ))));
                    true
                }
            }
        });
        self.jobs
            .send(job)
            .map_err(|_| NodeError::Internal("the chain has stopped".into()))?;
        answer
            .recv()
            .map_err(|_| NodeError::Internal("the chain has stopped".into()))?
    }
}
