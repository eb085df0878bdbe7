//! Polling a future on the calling thread: all the "runtime" a blocking client needs.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// Wakes the thread that polls. `wake_by_ref` keeps its default (a clone, then
/// `wake`): the futures this crate runs are never pending, so the clone an override
/// would save is never paid.
struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to completion on this thread.
///
/// The futures this crate runs do their blocking work when polled and are ready on the
/// first poll; should one ever be pending, the thread parks until it is woken, so this
/// is correct for any future, not only those.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut context = Context::from_waker(&waker);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(output) => return output,
            Poll::Pending => thread::park(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A future that is pending once and wakes itself from another thread, by value
    /// or by reference.
    struct PendingOnce {
        polled: bool,
        by_ref: bool,
    }

    impl Future for PendingOnce {
        type Output = bool;

        fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            if self.polled {
                return Poll::Ready(self.by_ref);
            }
            self.polled = true;
            let (waker, by_ref) = (cx.waker().clone(), self.by_ref);
            thread::spawn(move || {
                if by_ref {
                    waker.wake_by_ref();
                } else {
                    waker.wake();
                }
            });
            Poll::Pending
        }
    }

    #[test]
    fn runs_ready_and_pending_futures() {
        assert_eq!(block_on(async { 1 + 1 }), 2);
        for by_ref in [false, true] {
            let pending = PendingOnce {
                polled: false,
                by_ref,
            };
            assert_eq!(block_on(pending), by_ref);
        }
    }
}
