//! §2.6.3: scale raw shares to exactly `L` points in hundredths, by largest remainder.

/// Scales `raw` (one share per finding) to `points × 100` hundredths: floor each scaled share, then give the
/// hundredths left over, one each, to the largest fractional remainders (ties: ascending `keys`, then input
/// order). All zeros when `points` is 0 or nothing has a share.
pub fn apportion(raw: &[f64], keys: &[&str], points: i64) -> Vec<i64> {
    let sum: f64 = raw.iter().filter(|r| **r > 0.0).sum();
    if points <= 0 || sum <= 0.0 {
        return vec![0; raw.len()];
    }
    let target = points * 100;
    let exact: Vec<f64> = raw
        .iter()
        .map(|r| r.max(0.0) * target as f64 / sum)
        .collect();
    let mut hundredths: Vec<i64> = exact.iter().map(|e| e.floor() as i64).collect();
    let mut order: Vec<usize> = (0..raw.len()).filter(|&i| raw[i] > 0.0).collect();
    let remainder = |i: usize| exact[i] - exact[i].floor();
    order.sort_by(|&a, &b| {
        remainder(b)
            .total_cmp(&remainder(a))
            .then(keys[a].cmp(keys[b]))
            .then(a.cmp(&b))
    });
    let mut left = target - hundredths.iter().sum::<i64>();
    // Floating error can leave more than one round of hundredths to hand out; keep going round the order.
    while left > 0 && !order.is_empty() {
        for &i in &order {
            if left == 0 {
                break;
            }
            hundredths[i] += 1;
            left -= 1;
        }
    }
    hundredths
}
