fn main() {
    std::process::exit(permitpack::cli::main());
}
