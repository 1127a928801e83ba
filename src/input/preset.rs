//! Init presets: measured INIT times of Lambda runtimes (the lambda-perf benchmark), by runtime, arch, memory and package.
//!
//! `init = { runtime = "python3.12" }` means "draw the init time from the INIT times measured
//! for that runtime on the function's arch, memory size and package". The measurements are
//! `data/lambda-perf-2026-08-22.csv` (lambda-perf, github.com/maxday/lambda-perf, the run of
//! 2026-08-22; see `data/README.md`), embedded in the binary and parsed once, on first use.
//! Each configuration of a hello-world function was cold-started 10 times (9 for three
//! configurations), so a preset is a [`TimeDist::Empirical`] over those samples.
//!
//! # Runtime names
//!
//! Each runtime is accepted under two names, listed by [`runtimes`]:
//!
//! - the benchmark's own label, exactly as the data writes it: `python3.12`, `nodejs20.x`,
//!   `java8.al2`, `go (prov.al2023)`, `bun layer(prov.al2)`;
//! - a normalised identifier, which is the AWS runtime identifier for managed runtimes
//!   (`python3.12`, `nodejs20.x`, `java21`, `dotnet8`, `ruby3.3`: the same as the label) and
//!   `<language>-provided.<os>` for the languages the benchmark ran on a custom runtime:
//!   `go-provided.al2023`, `rust-provided.al2023`, `graalvm-java21-provided.al2023`,
//!   `dotnet8-aot-provided.al2023`, `c++-11-provided.al2`, `bun-provided.al2`.
//!
//! The identifier is made from the label by lowercasing it, replacing `(prov.<os>)` by
//! `-provided.<os>` and joining the remaining words with `-`. The same rule is applied to what
//! the user writes, so case, surrounding spaces and the spacing inside a label do not matter
//! (`Rust (prov.al2023)` is `rust-provided.al2023`). A bare `provided.al2023` is refused: the
//! benchmark measured custom runtimes per language, and the error lists those. An unknown
//! name gets a one-line error with the closest accepted name and all of them, sorted.
//!
//! # Which samples
//!
//! - The row of exactly that runtime, package, arch and memory size, when measured.
//! - Otherwise the nearest measured memory size for that runtime, package and arch, ties going
//!   to the larger size (192 MB takes 256 MB). The benchmark measured 128, 256, 512 and
//!   1024 MB, so every function above 1024 MB (up to 10240 MB) gets the 1024 MB samples. INIT
//!   tends to shrink as memory (and with it CPU) grows, so this is conservative: if anything
//!   it overstates a larger function's init time. For these hello-world functions the effect
//!   is small: from 128 to 1024 MB the mean INIT fell in 78 configurations and rose in 77
//!   (median ratio 1.00), so heavier init code would gain more from memory than this shows.
//! - A package or arch the runtime was not measured on is an error naming what was measured;
//!   no other arch or package is used instead. Two runtimes are incomplete:
//!   `quarkus-provided.al2` has no arm64 measurements and `bun-layer-provided.al2` was
//!   measured as a zip on x86_64 only.
//!
//! Package means the benchmark's package type: [`Package::Zip`] selects the zip-archive rows
//! and [`Package::Image`] the container-image rows, also for custom runtimes.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::cost::Arch;
use crate::cost::Package;
use crate::model::dist::TimeDist;
use crate::model::function::RuntimeInit;
use crate::time::SimDuration;

/// The benchmark data, as shipped in `data/`.
const DATA: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/lambda-perf-2026-08-22.csv"
));

/// Where the data comes from, for error messages.
const SOURCE: &str = "lambda-perf 2026-08-22";

/// The columns the data must have, in this order.
const HEADER: [&str; 10] = [
    "function_id",
    "package_type",
    "runtime_display",
    "memory_mb",
    "arch",
    "n_samples",
    "init_ms_samples",
    "mean_init_ms",
    "mean_duration_ms",
    "mean_max_memory_used_mb",
];

/// The largest allowed gap between `mean_init_ms` and the mean of the samples [ms]: the data
/// writes the mean rounded to 0.001 ms.
const MEAN_TOLERANCE_MS: f64 = 0.001;

/// One measured configuration of a runtime.
#[derive(Debug)]
struct Row {
    package: Package,
    arch: Arch,
    memory_mb: u32,
    samples: Vec<SimDuration>,
}

/// One runtime and its measured configurations.
#[derive(Debug)]
struct Runtime {
    /// The benchmark's label, as the data writes it.
    label: String,
    /// The normalised identifier.
    id: String,
    rows: Vec<Row>,
}

/// The parsed data: runtimes sorted by identifier.
#[derive(Debug)]
struct Table {
    runtimes: Vec<Runtime>,
}

/// The parsed data, or why the embedded file could not be read (which a test rules out).
fn table() -> Result<&'static Table, String> {
    static TABLE: OnceLock<Result<Table, String>> = OnceLock::new();
    TABLE
        .get_or_init(|| parse(DATA))
        .as_ref()
        .map_err(|e| format!("the embedded {SOURCE} data is broken: {e}"))
}

/// The normalised identifier of a runtime name: lowercase, `(prov.<os>)` turned into
/// `-provided.<os>`, words joined by `-`. Identifiers map to themselves.
fn normalise(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let join = |s: &str| s.split_whitespace().collect::<Vec<_>>().join("-");
    if let Some(open) = lower.find("(prov.")
        && let Some(os) = lower[open + "(prov.".len()..].strip_suffix(')')
    {
        return format!("{}-provided.{}", join(&lower[..open]), os.trim());
    }
    join(&lower)
}

fn package_name(p: Package) -> &'static str {
    match p {
        Package::Zip => "zip",
        Package::Image => "image",
    }
}

fn arch_name(a: Arch) -> &'static str {
    match a {
        Arch::X86_64 => "x86_64",
        Arch::Arm64 => "arm64",
    }
}

fn parse(text: &str) -> Result<Table, String> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| format!("header: {e}"))?;
    if header.iter().ne(HEADER) {
        return Err(format!(
            "header is {:?}, expected {:?}",
            header.iter().collect::<Vec<_>>(),
            HEADER
        ));
    }
    let mut by_id: BTreeMap<String, Runtime> = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        // Line 1 is the header.
        let line = i + 2;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        let field = |k: usize| record.get(k).unwrap_or_default();
        let package = match field(1) {
            "zip" => Package::Zip,
            "image" => Package::Image,
            other => return Err(format!("line {line}: package_type {other:?}")),
        };
        let arch = match field(4) {
            "x86_64" => Arch::X86_64,
            "arm64" => Arch::Arm64,
            other => return Err(format!("line {line}: arch {other:?}")),
        };
        let memory_mb: u32 = field(3)
            .parse()
            .map_err(|e| format!("line {line}: memory_mb {:?}: {e}", field(3)))?;
        let suffix = format!("-{}-{memory_mb}-{}", field(1), field(4));
        if !field(0).ends_with(&suffix) {
            return Err(format!(
                "line {line}: function_id {:?} does not end in {suffix:?}",
                field(0)
            ));
        }
        let n_samples: usize = field(5)
            .parse()
            .map_err(|e| format!("line {line}: n_samples {:?}: {e}", field(5)))?;
        let mut samples_ms = Vec::with_capacity(n_samples);
        for s in field(6).split(';') {
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => samples_ms.push(v),
                _ => return Err(format!("line {line}: init_ms_samples has {s:?}")),
            }
        }
        if samples_ms.len() != n_samples {
            return Err(format!(
                "line {line}: n_samples is {n_samples} but init_ms_samples has {}",
                samples_ms.len()
            ));
        }
        let mean: f64 = field(7)
            .parse()
            .map_err(|e| format!("line {line}: mean_init_ms {:?}: {e}", field(7)))?;
        let computed = samples_ms.iter().sum::<f64>() / n_samples as f64;
        if (computed - mean).abs() > MEAN_TOLERANCE_MS {
            return Err(format!(
                "line {line}: mean_init_ms is {mean} but the samples average {computed}"
            ));
        }
        let label = field(2);
        let id = normalise(label);
        let runtime = by_id.entry(id.clone()).or_insert_with(|| Runtime {
            label: label.to_owned(),
            id,
            rows: Vec::new(),
        });
        if runtime.label != label {
            return Err(format!(
                "line {line}: runtime {label:?} and {:?} have the same identifier {:?}",
                runtime.label, runtime.id
            ));
        }
        if runtime
            .rows
            .iter()
            .any(|r| r.package == package && r.arch == arch && r.memory_mb == memory_mb)
        {
            return Err(format!("line {line}: a second row for {}", field(0)));
        }
        runtime.rows.push(Row {
            package,
            arch,
            memory_mb,
            samples: samples_ms
                .into_iter()
                .map(SimDuration::from_millis_f64)
                .collect(),
        });
    }
    let mut runtimes: Vec<Runtime> = by_id.into_values().collect();
    for r in &mut runtimes {
        r.rows.sort_by_key(|row| {
            (
                package_name(row.package),
                arch_name(row.arch),
                row.memory_mb,
            )
        });
    }
    Ok(Table { runtimes })
}

/// The accepted runtime names, sorted and without repeats: every benchmark label and every
/// normalised identifier (see the [module documentation](self)). Empty only if the embedded
/// data could not be parsed, which a test rules out.
pub fn runtimes() -> Vec<&'static str> {
    let Ok(table) = table() else {
        return Vec::new();
    };
    let mut names: Vec<&'static str> = table
        .runtimes
        .iter()
        .flat_map(|r| [r.label.as_str(), r.id.as_str()])
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The measured INIT times of `runtime` on `arch` with `package`, at every memory size
/// measured. The error, one line, names the runtime and what is available.
pub fn runtime_init(runtime: &str, arch: Arch, package: Package) -> Result<RuntimeInit, String> {
    let table = table()?;
    let id = normalise(runtime);
    let Some(rt) = table.runtimes.iter().find(|r| r.id == id) else {
        return Err(unknown_runtime(table, runtime, &id));
    };
    let mut sizes: Vec<(u32, TimeDist)> = rt
        .rows
        .iter()
        .filter(|r| r.package == package && r.arch == arch)
        .map(|r| (r.memory_mb, TimeDist::Empirical(r.samples.clone())))
        .collect();
    if sizes.is_empty() {
        return Err(not_measured(rt, arch, package));
    }
    sizes.sort_by_key(|s| s.0);
    Ok(RuntimeInit {
        runtime: rt.id.clone(),
        custom: rt.id.contains("provided"),
        sizes,
    })
}

/// The measured INIT times of `runtime` on `arch` with `memory_mb` \[MB\] and `package`, as an
/// empirical distribution: the exact configuration, else the nearest measured memory size
/// (ties to the larger, [`RuntimeInit::at`]).
pub fn init_preset(
    runtime: &str,
    arch: Arch,
    memory_mb: u32,
    package: Package,
) -> Result<TimeDist, String> {
    runtime_init(runtime, arch, package).map(|r| r.at(memory_mb))
}

/// The error for a runtime measured, but not on this package and arch.
fn not_measured(rt: &Runtime, arch: Arch, package: Package) -> String {
    let mut measured: Vec<String> = rt
        .rows
        .iter()
        .map(|r| format!("{} {}", package_name(r.package), arch_name(r.arch)))
        .collect();
    measured.dedup();
    let missing = if rt.rows.iter().all(|r| r.arch != arch) {
        format!("no {} measurement", arch_name(arch))
    } else if rt.rows.iter().all(|r| r.package != package) {
        format!("no {} package measurement", package_name(package))
    } else {
        format!(
            "no {} package measurement on {}",
            package_name(package),
            arch_name(arch)
        )
    };
    format!(
        "runtime {:?} has {missing} in {SOURCE}; measured: {} (no other arch or package is substituted)",
        rt.id,
        measured.join(", ")
    )
}

/// The error for a name that is no runtime: the closest name, then all of them.
fn unknown_runtime(table: &Table, written: &str, id: &str) -> String {
    if let Some(os) = id.strip_prefix("provided.") {
        let per_language: Vec<&str> = table
            .runtimes
            .iter()
            .map(|r| r.id.as_str())
            .filter(|r| r.ends_with(&format!("-provided.{os}")))
            .collect();
        if !per_language.is_empty() {
            return format!(
                "runtime {written:?} is a custom runtime, which {SOURCE} measured per language: use one of {}",
                per_language.join(", ")
            );
        }
    }
    let closest = closest(table, id).unwrap_or_default();
    let all = runtimes().join(", ");
    format!("unknown runtime {written:?}; did you mean {closest:?}? Known runtimes: {all}")
}

/// The identifier closest to `id`: the first (sorted) one that starts with it, else the one
/// at the smallest edit distance, ties to the first sorted.
fn closest<'t>(table: &'t Table, id: &str) -> Option<&'t str> {
    let ids = table.runtimes.iter().map(|r| r.id.as_str());
    if !id.is_empty()
        && let Some(prefixed) = ids.clone().find(|r| r.starts_with(id))
    {
        return Some(prefixed);
    }
    ids.min_by_key(|r| strsim::levenshtein(r, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The samples of a preset, in whole microseconds.
    fn samples_us(runtime: &str, arch: Arch, memory_mb: u32, package: Package) -> Vec<u64> {
        match init_preset(runtime, arch, memory_mb, package) {
            Ok(TimeDist::Empirical(s)) => s.iter().map(|d| d.as_micros()).collect(),
            other => panic!("{runtime} {arch:?} {memory_mb} {package:?}: {other:?}"),
        }
    }

    fn err(runtime: &str, arch: Arch, memory_mb: u32, package: Package) -> String {
        match init_preset(runtime, arch, memory_mb, package) {
            Err(e) => e,
            Ok(d) => panic!("{runtime} {arch:?} {memory_mb} {package:?} gave {d:?}"),
        }
    }

    // Read by hand from data/lambda-perf-2026-08-22.csv.
    /// lambda-perf-python312-zip-128-x86_64
    const PY312_ZIP_128_X86: [u64; 10] = [
        84_700, 88_020, 81_830, 81_070, 79_690, 95_810, 82_720, 93_280, 85_410, 79_730,
    ];
    /// lambda-perf-python312-zip-1024-x86_64
    const PY312_ZIP_1024_X86: [u64; 10] = [
        80_920, 81_440, 67_080, 80_260, 72_580, 82_980, 87_590, 92_420, 82_200, 83_750,
    ];
    /// lambda-perf-python312-zip-256-x86_64
    const PY312_ZIP_256_X86: [u64; 10] = [
        65_850, 88_110, 94_590, 81_180, 82_560, 86_160, 84_690, 80_660, 89_520, 85_120,
    ];
    /// lambda-perf-python312-zip-128-arm64
    const PY312_ZIP_128_ARM: [u64; 10] = [
        84_420, 85_870, 66_130, 66_770, 64_230, 67_320, 82_610, 62_930, 63_000, 84_910,
    ];
    /// lambda-perf-python312-image-128-x86_64
    const PY312_IMAGE_128_X86: [u64; 10] = [
        161_970, 165_860, 156_070, 155_940, 125_130, 130_620, 123_050, 118_370, 178_480, 278_210,
    ];

    #[test]
    fn exact_row_gives_its_samples_in_file_order() {
        let got = samples_us("python3.12", Arch::X86_64, 128, Package::Zip);
        assert_eq!(got, PY312_ZIP_128_X86);
        let got = samples_us("python3.12", Arch::X86_64, 1024, Package::Zip);
        assert_eq!(got, PY312_ZIP_1024_X86);
    }

    #[test]
    fn unmeasured_memory_takes_the_nearest_measured_size_ties_to_the_larger() {
        let at = |mb| samples_us("python3.12", Arch::X86_64, mb, Package::Zip);
        assert_eq!(at(3008), PY312_ZIP_1024_X86);
        assert_eq!(at(10_240), PY312_ZIP_1024_X86);
        assert_eq!(at(1025), PY312_ZIP_1024_X86);
        assert_eq!(at(200), PY312_ZIP_256_X86);
        // 192 is as far from 128 as from 256: the larger wins.
        assert_eq!(at(192), PY312_ZIP_256_X86);
        assert_eq!(at(191), PY312_ZIP_128_X86);
        assert_eq!(at(1), PY312_ZIP_128_X86);
    }

    #[test]
    fn arch_and_package_select_different_rows() {
        assert_eq!(
            samples_us("python3.12", Arch::Arm64, 128, Package::Zip),
            PY312_ZIP_128_ARM
        );
        assert_eq!(
            samples_us("python3.12", Arch::X86_64, 128, Package::Image),
            PY312_IMAGE_128_X86
        );
        assert_ne!(PY312_ZIP_128_ARM, PY312_ZIP_128_X86);
        assert_ne!(PY312_IMAGE_128_X86, PY312_ZIP_128_X86);
    }

    #[test]
    fn unknown_runtime_suggests_the_closest_and_lists_all_names_on_one_line() {
        let e = err("pyhton3.12", Arch::X86_64, 128, Package::Zip);
        assert!(
            e.starts_with(
                r#"unknown runtime "pyhton3.12"; did you mean "python3.12"? Known runtimes: "#
            ),
            "{e}"
        );
        assert!(!e.contains('\n'), "{e}");
        assert!(e.ends_with(&runtimes().join(", ")), "{e}");
        let suggestion = |name| {
            let e = err(name, Arch::X86_64, 128, Package::Zip);
            let start = e.find("did you mean \"").map(|i| i + 14).unwrap_or(0);
            e[start..].split('"').next().unwrap_or_default().to_owned()
        };
        assert_eq!(suggestion("python312"), "python3.12");
        assert_eq!(suggestion("nodejs20"), "nodejs20.x");
        assert_eq!(suggestion("java8"), "java8.al2");
        assert_eq!(suggestion("rust-provided.al2O23"), "rust-provided.al2023");
        assert_eq!(
            suggestion("cpp11-provided.al2023"),
            "c++-11-provided.al2023"
        );
    }

    #[test]
    fn a_bare_custom_runtime_lists_the_languages_measured_on_it() {
        let e = err("provided.al2023", Arch::X86_64, 128, Package::Zip);
        assert!(e.contains("measured per language"), "{e}");
        assert!(e.contains("go-provided.al2023"), "{e}");
        assert!(e.contains("rust-provided.al2023"), "{e}");
        assert!(!e.contains("rust-provided.al2,"), "{e}");
        assert!(!e.contains('\n'), "{e}");
    }

    #[test]
    fn a_missing_arch_or_package_is_an_error_not_a_substitute() {
        assert_eq!(
            err("quarkus (prov.al2)", Arch::Arm64, 512, Package::Zip),
            "runtime \"quarkus-provided.al2\" has no arm64 measurement in lambda-perf 2026-08-22; \
             measured: image x86_64, zip x86_64 (no other arch or package is substituted)"
        );
        assert_eq!(
            err("bun-layer-provided.al2", Arch::X86_64, 512, Package::Image),
            "runtime \"bun-layer-provided.al2\" has no image package measurement in lambda-perf 2026-08-22; \
             measured: zip x86_64 (no other arch or package is substituted)"
        );
        assert_eq!(
            err("bun-layer-provided.al2", Arch::Arm64, 512, Package::Zip),
            "runtime \"bun-layer-provided.al2\" has no arm64 measurement in lambda-perf 2026-08-22; \
             measured: zip x86_64 (no other arch or package is substituted)"
        );
        // What was measured still resolves.
        samples_us("quarkus-provided.al2", Arch::X86_64, 512, Package::Image);
        samples_us("bun-layer-provided.al2", Arch::X86_64, 512, Package::Zip);
    }

    #[test]
    fn the_embedded_data_has_620_rows_of_10_samples_but_3_of_9() {
        let table = match table() {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        let rows: Vec<(&str, &Row)> = table
            .runtimes
            .iter()
            .flat_map(|r| r.rows.iter().map(move |row| (r.id.as_str(), row)))
            .collect();
        assert_eq!(table.runtimes.len(), 40);
        assert_eq!(rows.len(), 620);
        // 620 = 38 runtimes × 2 packages × 2 archs × 4 sizes, + quarkus on x86_64 only (8)
        // + bun layer as a zip on x86_64 only (4); checked per runtime below.
        let mut short: Vec<String> = rows
            .iter()
            .filter(|(_, row)| row.samples.len() != 10)
            .map(|(id, row)| {
                assert_eq!(row.samples.len(), 9);
                format!(
                    "{id} {} {} {}",
                    package_name(row.package),
                    arch_name(row.arch),
                    row.memory_mb
                )
            })
            .collect();
        short.sort();
        assert_eq!(
            short,
            [
                "bun-provided.al2 image arm64 1024",
                "c++-11-provided.al2023 image x86_64 512",
                "nodejs22.x image x86_64 512",
            ]
        );
        for r in &table.runtimes {
            let n = r.rows.len();
            match r.id.as_str() {
                "quarkus-provided.al2" => assert_eq!(n, 8),
                "bun-layer-provided.al2" => assert_eq!(n, 4),
                _ => assert_eq!(n, 16, "{}", r.id),
            }
            for row in &r.rows {
                assert!([128, 256, 512, 1024].contains(&row.memory_mb));
            }
        }
    }

    #[test]
    fn every_accepted_name_resolves_for_some_configuration() {
        let names = runtimes();
        assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        // 40 labels, 19 of which (the managed runtimes) are their own identifier.
        assert_eq!(names.len(), 40 + 21, "{names:?}");
        for name in names {
            let resolved = [Arch::X86_64, Arch::Arm64].into_iter().any(|arch| {
                [Package::Zip, Package::Image]
                    .into_iter()
                    .any(|p| init_preset(name, arch, 512, p).is_ok())
            });
            assert!(resolved, "{name}");
        }
    }

    #[test]
    fn a_label_and_its_identifier_are_the_same_runtime() {
        for (label, id) in [
            ("rust (prov.al2023)", "rust-provided.al2023"),
            ("go (prov.al2)", "go-provided.al2"),
            ("bun layer(prov.al2)", "bun-layer-provided.al2"),
            ("c++ 11 (prov.al2)", "c++-11-provided.al2"),
            (
                "graalvm java21 (prov.al2023)",
                "graalvm-java21-provided.al2023",
            ),
            ("apple swift 5.8 (prov.al2)", "apple-swift-5.8-provided.al2"),
            ("java8.al2", "java8.al2"),
            ("nodejs20.x", "nodejs20.x"),
        ] {
            assert_eq!(normalise(label), id);
            assert_eq!(normalise(id), id);
            assert!(runtimes().contains(&label), "{label}");
            assert!(runtimes().contains(&id), "{id}");
            assert_eq!(
                samples_us(label, Arch::X86_64, 256, Package::Zip),
                samples_us(id, Arch::X86_64, 256, Package::Zip)
            );
        }
        // Case, outer spaces and inner spacing do not matter.
        assert_eq!(
            samples_us(" Python3.12 ", Arch::X86_64, 128, Package::Zip),
            PY312_ZIP_128_X86
        );
        assert_eq!(normalise("Rust  (prov.al2023)"), "rust-provided.al2023");
    }

    #[test]
    fn a_broken_file_is_refused_with_its_line() {
        let header = HEADER.join(",");
        let refused = |rows: &[&str]| match parse(&format!("{header}\n{}\n", rows.join("\n"))) {
            Ok(t) => panic!("{rows:?} gave {t:?}"),
            Err(e) => e,
        };
        let row = "lambda-perf-x-zip-128-x86_64,zip,x,128,x86_64,2,1;3,2,0,0";
        assert!(parse(&format!("{header}\n{row}\n")).is_ok());
        let e = refused(&["lambda-perf-x-zip-128-x86_64,zip,x,128,x86_64,3,1;3,2,0,0"]);
        assert!(e.starts_with("line 2: n_samples is 3"), "{e}");
        let e = refused(&["lambda-perf-x-zip-128-x86_64,zip,x,128,x86_64,2,1;3,2.5,0,0"]);
        assert!(e.contains("mean_init_ms is 2.5"), "{e}");
        let e = refused(&["lambda-perf-x-zip-256-x86_64,zip,x,128,x86_64,2,1;3,2,0,0"]);
        assert!(e.contains("function_id"), "{e}");
        let e = refused(&["lambda-perf-x-zip-128-x86_64,zip,x,128,x86_64,2,1;-3,-1,0,0"]);
        assert!(e.contains("\"-3\""), "{e}");
        let e = refused(&[row, row]);
        assert!(e.starts_with("line 3: a second row"), "{e}");
        let e = match parse("function_id,runtime\n") {
            Ok(t) => panic!("{t:?}"),
            Err(e) => e,
        };
        assert!(e.starts_with("header is"), "{e}");
    }
}
