use charabia::Tokenize;
fn main() {
    for t in std::env::args().skip(1) {
        let toks: Vec<String> = t.as_str().tokenize().filter(|k| !k.is_separator()).map(|k| format!("{}[{:?}/{:?}/{:?}]", k.lemma(), k.kind, k.script, k.language)).collect();
        println!("{t}\n  => {}", toks.join(" | "));
    }
}
