//! The `coldsim` binary: everything happens in [`coldsim::cli`].

fn main() -> std::process::ExitCode {
    coldsim::cli::main()
}
