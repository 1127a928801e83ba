//! Confidence intervals over replications: Student's t table, and a mean with its 95 % half-width.

/// The two-sided 95 % quantile `t(0.975, df)` of Student's t distribution; the normal 1.96 past 30 degrees of freedom.
pub fn t_975(df: u32) -> f64 {
    const T: [f64; 30] = [
        12.706_204_736,
        4.302_652_730,
        3.182_446_305,
        2.776_445_105,
        2.570_581_836,
        2.446_911_851,
        2.364_624_252,
        2.306_004_135,
        2.262_157_163,
        2.228_138_852,
        2.200_985_160,
        2.178_812_830,
        2.160_368_656,
        2.144_786_688,
        2.131_449_546,
        2.119_905_299,
        2.109_815_578,
        2.100_922_040,
        2.093_024_054,
        2.085_963_447,
        2.079_613_845,
        2.073_873_068,
        2.068_657_610,
        2.063_898_562,
        2.059_538_553,
        2.055_529_439,
        2.051_830_516,
        2.048_407_142,
        2.045_229_642,
        2.042_272_456,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => T[df as usize - 1],
        _ => 1.959_963_985,
    }
}

/// Mean and 95 % half-width of the defined values: `(None, None)` without any, no half-width with one.
pub fn mean_ci95(values: impl Iterator<Item = Option<f64>>) -> (Option<f64>, Option<f64>) {
    let xs: Vec<f64> = values.flatten().collect();
    if xs.is_empty() {
        return (None, None);
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    if xs.len() < 2 {
        return (Some(mean), None);
    }
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    let half = t_975(xs.len() as u32 - 1) * (var / n).sqrt();
    (Some(mean), Some(half))
}
