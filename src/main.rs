fn main() -> std::process::ExitCode {
    oncall::cli::main()
}
