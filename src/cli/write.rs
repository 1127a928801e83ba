//! Writing outputs atomically: files staged under temporary names in the output folder and renamed into place once all are written, so a failed or interrupted run leaves the previous outputs whole.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};

/// Refuses an output path that is a file, before any work is done.
pub fn check_out_dir(out: &Path) -> Result<()> {
    if out.exists() && !out.is_dir() {
        bail!(
            "{}: the output path exists and is not a folder; choose another with --out",
            out.display()
        );
    }
    Ok(())
}

/// Writes each file to a temporary name in `out`, then renames it into place: a failed or
/// interrupted run leaves earlier outputs whole and no half-written file.
pub fn write_outputs(out: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    write_streams(out, &names, |staged| {
        for (tmp, (name, bytes)) in staged.iter_mut().zip(files) {
            tmp.write_all(bytes)
                .with_context(|| format!("{}: cannot write", out.join(name).display()))?;
        }
        Ok(())
    })
}

/// [`write_outputs`] for files too large to hold: `fill` writes them, in the order of `names`,
/// through buffers onto temporary files in `out`, which are renamed into place once all are
/// written.
pub(super) fn write_streams(
    out: &Path,
    names: &[String],
    fill: impl FnOnce(&mut [BufWriter<tempfile::NamedTempFile>]) -> Result<()>,
) -> Result<()> {
    let created = !out.exists();
    std::fs::create_dir_all(out)
        .with_context(|| format!("{}: cannot create the output folder", out.display()))?;
    let result = (|| -> Result<()> {
        let mut buffers = Vec::with_capacity(names.len());
        for name in names {
            let prefix = format!(".{name}.");
            let mut builder = tempfile::Builder::new();
            builder.prefix(&prefix);
            // Created as any program's files are (0666 less the umask), not tempfile's 0600:
            // outputs are for a shared results folder, a teammate or a web server too.
            #[cfg(unix)]
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
            let tmp = builder
                .tempfile_in(out)
                .with_context(|| format!("{}: cannot write", out.display()))?;
            buffers.push(BufWriter::with_capacity(1 << 16, tmp));
        }
        fill(&mut buffers)?;
        let mut staged = Vec::with_capacity(names.len());
        for (buffer, name) in buffers.into_iter().zip(names) {
            let path = out.join(name);
            let tmp = buffer
                .into_inner()
                .map_err(|e| e.into_error())
                .with_context(|| format!("{}: cannot write", path.display()))?;
            staged.push((tmp, path));
        }
        for (tmp, path) in staged {
            tmp.persist(&path)
                .with_context(|| format!("{}: cannot write", path.display()))?;
        }
        Ok(())
    })();
    if result.is_err() && created {
        let _ = std::fs::remove_dir_all(out);
    }
    result
}
