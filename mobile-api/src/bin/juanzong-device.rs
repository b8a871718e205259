//! `juanzong-device`: the phone app's behaviour on the command line, for tests and demos.

fn main() -> std::process::ExitCode {
    juanzong_mobile_api::cli::main()
}
