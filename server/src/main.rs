//! The `juanzong` command. See `juanzong --help`.

fn main() -> std::process::ExitCode {
    juanzong_server::cli::main()
}
