//! The live runtime on the system clock: what a command queues goes out at once, and a bot
//! kept busy (a poke after every command and reaction) still does its scheduled work when it
//! falls due.

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use labcircle::domain::identity::Platform;
use labcircle::runtime::Runtime;
use labcircle::scheduler::{Deliver, Delivery, DeliveryError};

use crate::world::{Recorder, World, organizer};

/// A recorder the test reads while the runtime's dispatcher writes to it.
struct Shared(Arc<Mutex<Recorder>>);

impl Deliver for Shared {
    async fn deliver(&mut self, d: &Delivery) -> Result<String, DeliveryError> {
        self.0.lock().await.deliver(d).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_kept_busy_still_updates_the_announcement_count_when_it_falls_due() {
    let world = World::live().await;
    let when = (Utc::now() + Duration::days(20)).format("%b %-d 6pm");
    let created = world
        .replies(
            organizer("olga"),
            &format!("/meetup create title:Busy night when:{when} where:Hall capacity:10"),
        )
        .await;
    assert_eq!(created.len(), 1, "{created:?}");
    let runtime = Runtime::new(world.bot.clone(), world.scheduler.clone());
    let board = Arc::new(Mutex::new(Recorder::default()));
    let shutdown = CancellationToken::new();
    let dispatcher = tokio::spawn({
        let (runtime, board, shutdown) = (runtime.clone(), board.clone(), shutdown.clone());
        async move {
            runtime
                .deliver_loop(Platform::Console, &mut Shared(board), shutdown)
                .await;
        }
    });

    // The announcement goes out without waiting for a timer. The recorder holds it a moment
    // before the dispatcher has stored which meetup it belongs to, and a reaction in between
    // would be to a message the bot does not know yet: wait for both.
    let began = Instant::now();
    while board.lock().await.posts().is_empty()
        || world
            .bot
            .store()
            .meetup_for_post("console", "post1")
            .await
            .expect("read the posts")
            .is_none()
    {
        assert!(
            began.elapsed() < StdDuration::from_secs(10),
            "the announcement was not posted"
        );
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }

    // One member is going; then the bot is kept busy, a poke every 50 ms (others' commands).
    // The count on the announcement is edited once the changes have settled (five seconds),
    // however often the bot is poked meanwhile.
    world.react("gia", "post1", "✅", true).await;
    runtime.poke();
    let reacted = Instant::now();
    loop {
        let edits = board.lock().await.edits();
        if let Some(edit) = edits.first() {
            assert!(edit.contains("1 / 10 going"), "{edit}");
            break;
        }
        assert!(
            reacted.elapsed() < StdDuration::from_secs(20),
            "no count edit while the bot was kept busy"
        );
        runtime.poke();
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    shutdown.cancel();
    dispatcher.await.expect("the dispatcher stops");
}
