//! Drawing the check-in trend chart: the time to render 12 and 52 weeks to PNG bytes (plotters
//! into memory, then the PNG encoder), as p50 and p99 over many runs. The target is under 50 ms.
//!
//! Run: `cargo bench --bench chart` (prints figures; no timing assertions).

use std::time::{Duration, Instant};

use chrono::NaiveDate;

use labcircle::chart;
use labcircle::domain::trend::{Trend, TrendWeek};

const RUNS: usize = 300;

/// A member's weeks with answers that move, a skipped week and an unanswered one per 12.
fn trend(weeks: usize) -> Trend {
    let first = NaiveDate::from_ymd_opt(2025, 12, 8).expect("a date");
    Trend {
        weeks: (0..weeks)
            .map(|i| {
                let skipped = i % 12 == 3;
                let answered = !skipped && i % 12 != 7;
                TrendWeek {
                    monday: first + chrono::Duration::weeks(i as i64),
                    mood: answered.then_some(1 + (i * 7 % 5) as u8),
                    stress: answered.then_some(1 + (i * 3 % 5) as u8),
                    skipped,
                }
            })
            .collect(),
        this_week_open: false,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn main() {
    for weeks in [12, 52] {
        let trend = trend(weeks);
        // The first run registers the font; it is measured apart.
        let start = Instant::now();
        let png = chart::render(&trend).expect("drawn");
        let first = start.elapsed();
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let start = Instant::now();
            let png = chart::render(&trend).expect("drawn");
            times.push(start.elapsed());
            std::hint::black_box(png);
        }
        times.sort();
        println!(
            "chart {weeks:>2} weeks: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, first {:.2} ms, \
             {} runs, PNG {} KiB ({}x{})",
            percentile(&times, 0.50).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3,
            times.last().map_or(0.0, |t| t.as_secs_f64() * 1e3),
            first.as_secs_f64() * 1e3,
            RUNS,
            png.len() / 1024,
            chart::WIDTH,
            chart::HEIGHT,
        );
    }
}
