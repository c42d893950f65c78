//! The deployment files in `deploy/` checked against the code they deploy: every service is
//! deployed (compose and Kubernetes) with health checks after the migration, every
//! `TECHMARKET_*` variable they set is one the configuration reads, and both ingresses (nginx
//! for compose, the Kubernetes Ingress) route every API prefix a service declares to that
//! service. No database, no Docker: the files are parsed and compared.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_yaml::Value;

// ---------------------------------------------------------------------------------------------
// Files

fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// Every YAML document in a file (`---`-separated), with anchors resolved and `<<` merge
/// keys applied as Docker Compose applies them. Empty documents are skipped.
fn yaml_documents(path: &Path) -> Vec<Value> {
    let text = read(path);
    let mut docs = Vec::new();
    for (index, document) in serde_yaml::Deserializer::from_str(&text).enumerate() {
        let mut value = Value::deserialize(document).unwrap_or_else(|err| {
            panic!(
                "{} document {}: invalid YAML: {err}",
                path.display(),
                index + 1
            )
        });
        value.apply_merge().unwrap_or_else(|err| {
            panic!(
                "{} document {}: bad merge key: {err}",
                path.display(),
                index + 1
            )
        });
        if !value.is_null() {
            docs.push(value);
        }
    }
    docs
}

fn compose_file() -> (PathBuf, Value) {
    let path = deploy_dir().join("compose.yaml");
    let mut docs = yaml_documents(&path);
    assert_eq!(
        docs.len(),
        1,
        "{} must hold exactly one YAML document",
        path.display()
    );
    (path, docs.remove(0))
}

/// A Kubernetes manifest file: its name (relative to deploy/k8s) and its documents.
struct K8sFile {
    name: String,
    docs: Vec<Value>,
}

fn k8s_files() -> Vec<K8sFile> {
    let dir = deploy_dir().join("k8s");
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()));
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()))
            .path();
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default()
            .to_owned();
        if name.ends_with(".yaml") || name.ends_with(".yml") {
            files.push(K8sFile {
                docs: yaml_documents(&path),
                name,
            });
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!files.is_empty(), "no YAML manifests in {}", dir.display());
    files
}

/// Every Kubernetes object of one kind, with the file it is in.
fn k8s_objects<'a>(files: &'a [K8sFile], kind: &str) -> Vec<(&'a str, &'a Value)> {
    files
        .iter()
        .flat_map(|file| file.docs.iter().map(move |doc| (file.name.as_str(), doc)))
        .filter(|(_, doc)| str_at(doc, &["kind"]) == Some(kind))
        .collect()
}

fn api_prefixes() -> [(&'static str, &'static [&'static str]); 3] {
    [
        ("listing", listing::API_PREFIXES),
        ("matching", matching::API_PREFIXES),
        ("deal", deal::API_PREFIXES),
    ]
}

/// Matching paths that sit inside listing's and deal's prefixes; both ingresses must route
/// them to matching.
const MATCHING_REGEX_PATH: &str = "/api/v1/(needs|achievements)/[^/]+/matches";
const MATCHING_WORKLIST_PATH: &str = "/api/v1/brokers/me/worklist";

// ---------------------------------------------------------------------------------------------
// YAML helpers

fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, key| value.get(*key))
}

fn str_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(value, path).and_then(Value::as_str)
}

fn seq_at<'a>(value: &'a Value, path: &[&str]) -> &'a [Value] {
    at(value, path)
        .and_then(Value::as_sequence)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn scalar_to_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A compose `command`/`entrypoint` or a Kubernetes `args`/`command`, as a list of words
/// (compose also allows one shell-style string).
fn words(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Sequence(items)) => items.iter().filter_map(scalar_to_string).collect(),
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// Every string in a YAML tree, keys and values.
fn all_strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Sequence(items) => items.iter().for_each(|item| all_strings(item, out)),
        Value::Mapping(map) => {
            for (key, value) in map {
                all_strings(key, out);
                all_strings(value, out);
            }
        }
        Value::Tagged(tagged) => all_strings(&tagged.value, out),
        _ => {}
    }
}

/// `TECHMARKET_*` names in a text: in `KEY: value`, `KEY=value`, `$KEY`, shell scripts…
fn techmarket_vars(text: &str) -> BTreeSet<String> {
    const PREFIX: &str = "TECHMARKET_";
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find(PREFIX) {
        let preceded_by_word = rest[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let tail = &rest[start..];
        let len = tail
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(tail.len());
        let name = tail[..len].trim_end_matches('_');
        if !preceded_by_word && name.len() > PREFIX.len() {
            found.insert(name.to_owned());
        }
        rest = &tail[len.max(PREFIX.len())..];
    }
    found
}

// ---------------------------------------------------------------------------------------------
// compose

/// The names a compose `depends_on` lists (short list form or long mapping form), with the
/// condition of each (`service_started` when none is given).
fn compose_depends_on(service: &Value) -> BTreeMap<String, String> {
    match service.get("depends_on") {
        Some(Value::Sequence(names)) => names
            .iter()
            .filter_map(Value::as_str)
            .map(|name| (name.to_owned(), "service_started".to_owned()))
            .collect(),
        Some(Value::Mapping(map)) => map
            .iter()
            .filter_map(|(name, spec)| {
                let condition = str_at(spec, &["condition"]).unwrap_or("service_started");
                Some((name.as_str()?.to_owned(), condition.to_owned()))
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

#[test]
fn compose_deploys_every_service_with_a_health_check() {
    let (path, compose) = compose_file();
    let services = at(&compose, &["services"])
        .and_then(Value::as_mapping)
        .unwrap_or_else(|| panic!("{}: no `services:` mapping", path.display()));
    let mut problems = Vec::new();

    match services.get("migrate") {
        None => problems.push("no `migrate` service (running `techmarket migrate`)".to_owned()),
        Some(migrate) => {
            let command = words(migrate.get("command"));
            if command != ["migrate"] {
                problems.push(format!(
                    "service `migrate` must have command [\"migrate\"], has {command:?}"
                ));
            }
        }
    }

    for &name in techmarket::SERVICES {
        let Some(service) = services.get(name) else {
            problems.push(format!(
                "no compose service `{name}` (techmarket::SERVICES lists it)"
            ));
            continue;
        };
        let command = words(service.get("command"));
        if command != ["serve", name] {
            problems.push(format!(
                "service `{name}` must have command [\"serve\", \"{name}\"], has {command:?}"
            ));
        }
        match service.get("healthcheck") {
            None => problems.push(format!("service `{name}` has no healthcheck")),
            Some(check) => {
                if at(check, &["disable"]).and_then(Value::as_bool) == Some(true) {
                    problems.push(format!("service `{name}` disables its healthcheck"));
                }
                let test = words(check.get("test")).join(" ");
                if !test.contains("/readyz") {
                    problems.push(format!(
                        "service `{name}`'s healthcheck must probe /readyz, its test is `{test}`"
                    ));
                }
            }
        }
        match compose_depends_on(service)
            .get("migrate")
            .map(String::as_str)
        {
            None => problems.push(format!("service `{name}` does not depend on `migrate`")),
            Some("service_completed_successfully") => {}
            Some(other) => problems.push(format!(
                "service `{name}` depends on `migrate` with condition `{other}`; it must wait \
                 for `service_completed_successfully`"
            )),
        }
    }

    assert!(
        problems.is_empty(),
        "{}:\n  - {}",
        path.display(),
        problems.join("\n  - ")
    );
}

// ---------------------------------------------------------------------------------------------
// Kubernetes

/// The containers of a Deployment's or Job's pod template.
fn containers(object: &Value) -> &[Value] {
    seq_at(object, &["spec", "template", "spec", "containers"])
}

/// A container's argv after the binary: `command` + `args`, without a leading `techmarket`.
fn container_argv(container: &Value) -> Vec<String> {
    let mut argv = words(container.get("command"));
    argv.extend(words(container.get("args")));
    if argv
        .first()
        .is_some_and(|first| first.ends_with("techmarket"))
    {
        argv.remove(0);
    }
    argv
}

fn probe_path<'a>(container: &'a Value, probe: &str) -> Option<&'a str> {
    str_at(container, &[probe, "httpGet", "path"])
}

/// `metadata.name` of a Kubernetes object.
fn object_name(object: &Value) -> &str {
    str_at(object, &["metadata", "name"]).unwrap_or("<unnamed>")
}

/// The Service named `name`, if any.
fn k8s_service<'a>(files: &'a [K8sFile], name: &str) -> Option<&'a Value> {
    k8s_objects(files, "Service")
        .into_iter()
        .map(|(_, service)| service)
        .find(|service| object_name(service) == name)
}

/// Whether a Service's selector picks the pods of a Deployment.
fn service_selects(service: &Value, deployment: &Value) -> bool {
    let Some(selector) = at(service, &["spec", "selector"]).and_then(Value::as_mapping) else {
        return false;
    };
    let labels = at(deployment, &["spec", "template", "metadata", "labels"]);
    !selector.is_empty()
        && selector
            .iter()
            .all(|(key, value)| labels.and_then(|labels| labels.get(key)) == Some(value))
}

#[test]
fn kubernetes_deploys_every_service() {
    let files = k8s_files();
    let mut problems = Vec::new();

    let deployments = k8s_objects(&files, "Deployment");
    for &name in techmarket::SERVICES {
        let expected = ["serve".to_owned(), name.to_owned()];
        let found = deployments.iter().find(|(_, deployment)| {
            containers(deployment)
                .iter()
                .any(|container| container_argv(container) == expected)
        });
        let Some((file, deployment)) = found else {
            problems.push(format!(
                "no Deployment runs `techmarket serve {name}` (args [\"serve\", \"{name}\"])"
            ));
            continue;
        };
        let container = containers(deployment)
            .iter()
            .find(|container| container_argv(container) == expected)
            .unwrap_or(&Value::Null);
        if probe_path(container, "readinessProbe") != Some("/readyz") {
            problems.push(format!(
                "{file}: the `{name}` container has no readinessProbe on /readyz"
            ));
        }
        if probe_path(container, "livenessProbe") != Some("/healthz") {
            problems.push(format!(
                "{file}: the `{name}` container has no livenessProbe on /healthz"
            ));
        }
        match k8s_service(&files, name) {
            None => problems.push(format!("no Service named `{name}`")),
            Some(service) if !service_selects(service, deployment) => problems.push(format!(
                "Service `{name}`'s selector does not match the pod labels of Deployment `{}`",
                object_name(deployment)
            )),
            Some(_) => {}
        }
    }

    let runs_migrate = k8s_objects(&files, "Job").iter().any(|(_, job)| {
        containers(job)
            .iter()
            .any(|container| container_argv(container) == ["migrate"])
    });
    if !runs_migrate {
        problems.push("no Job runs `techmarket migrate` (args [\"migrate\"])".to_owned());
    }

    // kustomization.yaml must list every manifest here, so `kubectl apply -k` deploys all of
    // them, except the *.example.yaml files: those hold placeholders (the example Secret) and
    // applying them would overwrite the real objects.
    match files.iter().find(|file| file.name == "kustomization.yaml") {
        None => problems.push("no kustomization.yaml".to_owned()),
        Some(kustomization) => {
            let listed: BTreeSet<&str> = kustomization
                .docs
                .iter()
                .flat_map(|doc| seq_at(doc, &["resources"]))
                .filter_map(Value::as_str)
                .collect();
            for file in &files {
                let name = file.name.as_str();
                let is_example = name.ends_with(".example.yaml") || name.ends_with(".example.yml");
                if name == "kustomization.yaml" {
                    continue;
                }
                if is_example && listed.contains(name) {
                    problems.push(format!(
                        "kustomization.yaml lists {name}: an example with placeholders must not \
                         be applied"
                    ));
                }
                if !is_example && !listed.contains(name) {
                    problems.push(format!("kustomization.yaml does not list {name}"));
                }
            }
            for name in &listed {
                if !files.iter().any(|file| file.name == *name) {
                    problems.push(format!(
                        "kustomization.yaml lists {name}, which is not in deploy/k8s"
                    ));
                }
            }
        }
    }

    assert!(
        problems.is_empty(),
        "deploy/k8s:\n  - {}",
        problems.join("\n  - ")
    );
}

// ---------------------------------------------------------------------------------------------
// Environment variables

#[test]
fn every_environment_variable_set_by_deploy_is_read_by_the_configuration() {
    let known: BTreeSet<String> = platform::config::Config::known_env_vars()
        .into_iter()
        .collect();
    assert!(
        known.contains("TECHMARKET_DATABASE__URL"),
        "Config::known_env_vars() does not list TECHMARKET_DATABASE__URL: {known:?}"
    );

    // Where each variable is set: compose (every string, so the secret-reading entrypoint
    // wrapper counts), the Dockerfile's ENV, every Kubernetes manifest (ConfigMap, example
    // Secret, Deployments' and the Job's env).
    let mut set_in: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut record = |source: &str, text: &str| {
        for var in techmarket_vars(text) {
            set_in.entry(var).or_default().insert(source.to_owned());
        }
    };

    let (_, compose) = compose_file();
    let mut strings = Vec::new();
    all_strings(&compose, &mut strings);
    for text in &strings {
        record("deploy/compose.yaml", text);
    }
    let compose_sets: BTreeSet<String> = strings.iter().flat_map(|s| techmarket_vars(s)).collect();

    record("deploy/Dockerfile", &read(&deploy_dir().join("Dockerfile")));

    let mut k8s_sets = BTreeSet::new();
    for file in k8s_files() {
        let source = format!("deploy/k8s/{}", file.name);
        for doc in &file.docs {
            let mut strings = Vec::new();
            all_strings(doc, &mut strings);
            for text in strings {
                record(&source, text);
                k8s_sets.extend(techmarket_vars(text));
            }
        }
    }

    // Guard against a vacuous pass: each deployment must at least say where the database is.
    for (what, sets) in [
        ("deploy/compose.yaml", &compose_sets),
        ("deploy/k8s", &k8s_sets),
    ] {
        assert!(
            sets.contains("TECHMARKET_DATABASE__URL"),
            "{what} never sets TECHMARKET_DATABASE__URL; found only {sets:?}"
        );
    }

    let unknown: Vec<String> = set_in
        .iter()
        .filter(|(var, _)| !known.contains(*var))
        .map(|(var, sources)| {
            let sources: Vec<&str> = sources.iter().map(String::as_str).collect();
            format!("{var} (set in {})", sources.join(", "))
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "deploy/ sets TECHMARKET_* variables the configuration does not read (the process would \
         refuse to start):\n  - {}\nknown variables: {}",
        unknown.join("\n  - "),
        known.iter().cloned().collect::<Vec<_>>().join(", ")
    );
}

// ---------------------------------------------------------------------------------------------
// nginx.conf

/// One nginx directive: its words, and its block if it has one.
#[derive(Debug)]
struct Directive {
    args: Vec<String>,
    block: Option<Vec<Directive>>,
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Open,
    Close,
    End,
}

fn nginx_tokens(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '{' | '}' | ';' => {
                chars.next();
                tokens.push(match c {
                    '{' => Token::Open,
                    '}' => Token::Close,
                    _ => Token::End,
                });
            }
            '"' | '\'' => {
                chars.next();
                let mut word = String::new();
                while let Some(c2) = chars.next() {
                    match c2 {
                        '\\' => word.extend(chars.next()),
                        q if q == c => break,
                        other => word.push(other),
                    }
                }
                tokens.push(Token::Word(word));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c2) = chars.peek() {
                    if c2.is_whitespace() || matches!(c2, '{' | '}' | ';') {
                        break;
                    }
                    word.push(c2);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    tokens
}

fn nginx_block(tokens: &mut std::iter::Peekable<std::vec::IntoIter<Token>>) -> Vec<Directive> {
    let mut directives = Vec::new();
    let mut args = Vec::new();
    while let Some(token) = tokens.next() {
        match token {
            Token::Word(word) => args.push(word),
            Token::End => directives.push(Directive {
                args: std::mem::take(&mut args),
                block: None,
            }),
            Token::Open => {
                let block = nginx_block(tokens);
                directives.push(Directive {
                    args: std::mem::take(&mut args),
                    block: Some(block),
                });
            }
            Token::Close => break,
        }
    }
    directives
}

fn parse_nginx(text: &str) -> Vec<Directive> {
    nginx_block(&mut nginx_tokens(text).into_iter().peekable())
}

/// Every directive named `name`, at any depth.
fn nginx_find<'a>(directives: &'a [Directive], name: &str, out: &mut Vec<&'a Directive>) {
    for directive in directives {
        if directive.args.first().map(String::as_str) == Some(name) {
            out.push(directive);
        }
        if let Some(block) = &directive.block {
            nginx_find(block, name, out);
        }
    }
}

/// A `location`: its modifier (`=`, `~`, `~*`, `^~`, or none), its path, and the upstream its
/// `proxy_pass` names.
#[derive(Debug)]
struct Location {
    modifier: Option<String>,
    path: String,
    upstream: Option<String>,
}

fn nginx_locations(config: &[Directive]) -> Vec<Location> {
    let mut found = Vec::new();
    nginx_find(config, "location", &mut found);
    found
        .into_iter()
        .filter_map(|directive| {
            let (modifier, path) = match directive.args.as_slice() {
                [_, path] => (None, path.clone()),
                [_, modifier, path] => (Some(modifier.clone()), path.clone()),
                _ => return None,
            };
            let mut proxy_passes = Vec::new();
            nginx_find(
                directive.block.as_deref().unwrap_or_default(),
                "proxy_pass",
                &mut proxy_passes,
            );
            let upstream = proxy_passes
                .first()
                .and_then(|proxy_pass| proxy_pass.args.get(1))
                .map(|url| {
                    let host = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
                    host.split(['/', ':']).next().unwrap_or_default().to_owned()
                });
            Some(Location {
                modifier,
                path,
                upstream,
            })
        })
        .collect()
}

fn describe(location: &Location) -> String {
    format!(
        "location {}{} -> {}",
        location
            .modifier
            .as_deref()
            .map(|m| format!("{m} "))
            .unwrap_or_default(),
        location.path,
        location.upstream.as_deref().unwrap_or("(no proxy_pass)")
    )
}

/// The nginx problems: every API prefix, the matching paths inside other prefixes, and the
/// portal fallback each go to the right upstream, and each upstream is that compose service.
fn nginx_routing_problems() -> Vec<String> {
    let config = parse_nginx(&read(&deploy_dir().join("nginx.conf")));
    let locations = nginx_locations(&config);
    let mut problems = Vec::new();

    let mut expect = |modifiers: &[Option<&str>], path: &str, service: &str, what: &str| {
        let candidates: Vec<&Location> = locations
            .iter()
            .filter(|location| {
                location.path == path && modifiers.contains(&location.modifier.as_deref())
            })
            .collect();
        if candidates.is_empty() {
            problems.push(format!(
                "nginx.conf has no {what} location for {path} (-> {service})"
            ));
        }
        for location in candidates {
            if location.upstream.as_deref() != Some(service) {
                problems.push(format!(
                    "nginx.conf sends {path} to the wrong place: `{}`, expected proxy_pass \
                     http://{service}",
                    describe(location)
                ));
            }
        }
    };
    for (service, prefixes) in api_prefixes() {
        for prefix in prefixes {
            expect(&[None, Some("^~")], prefix, service, "prefix");
        }
    }
    expect(
        &[Some("=")],
        MATCHING_WORKLIST_PATH,
        "matching",
        "exact (`=`)",
    );
    expect(
        &[Some("~"), Some("~*")],
        &format!("^{MATCHING_REGEX_PATH}"),
        "matching",
        "regex (`~`)",
    );
    expect(&[None], "/", "portal", "prefix");

    // A `^~` prefix stops nginx from trying regex locations: on listing's /needs or
    // /achievements it would hide matching's regex route.
    for location in &locations {
        if location.modifier.as_deref() == Some("^~")
            && ["/api/v1/needs", "/api/v1/achievements"]
                .iter()
                .any(|p| location.path.starts_with(p) || p.starts_with(location.path.as_str()))
        {
            problems.push(format!(
                "nginx.conf: `{}` would stop the matching regex route from being tried",
                describe(location)
            ));
        }
    }

    // The portal compares a form's Origin with the Host it is given, and builds invitation
    // links from it: `$host` drops the port (`localhost:8080` arrives as `localhost`, and
    // every form post, login included, was refused as cross-site). `$http_host` keeps it.
    let mut headers = Vec::new();
    nginx_find(&config, "proxy_set_header", &mut headers);
    for name in ["Host", "X-Forwarded-Host"] {
        let values: Vec<&str> = headers
            .iter()
            .filter(|d| d.args.get(1).map(String::as_str) == Some(name))
            .filter_map(|d| d.args.get(2).map(String::as_str))
            .collect();
        if values != ["$http_host"] {
            problems.push(format!(
                "nginx.conf must forward `proxy_set_header {name} $http_host;` (with the \
                 port), found {values:?}"
            ));
        }
    }

    // Each upstream must be the compose service of the same name on port 8080.
    let mut upstreams = Vec::new();
    nginx_find(&config, "upstream", &mut upstreams);
    for &service in techmarket::SERVICES {
        let Some(upstream) = upstreams
            .iter()
            .find(|upstream| upstream.args.get(1).map(String::as_str) == Some(service))
        else {
            problems.push(format!("nginx.conf has no `upstream {service}` block"));
            continue;
        };
        let mut servers = Vec::new();
        nginx_find(
            upstream.block.as_deref().unwrap_or_default(),
            "server",
            &mut servers,
        );
        let target = format!("{service}:8080");
        if !servers
            .iter()
            .any(|server| server.args.get(1).map(String::as_str) == Some(target.as_str()))
        {
            problems.push(format!(
                "nginx.conf: `upstream {service}` has no `server {target};`"
            ));
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// Kubernetes Ingress

/// One Ingress path: its path, pathType, and the Service and port it sends to.
#[derive(Debug)]
struct IngressPath {
    file: String,
    path: String,
    path_type: String,
    service: String,
    port: Option<Value>,
}

/// An Ingress backend port as written: `name http` or `number 8080`.
fn port_text(port: Option<&Value>) -> String {
    let field = |key: &str| {
        port.and_then(|port| port.get(key))
            .and_then(scalar_to_string)
    };
    match (field("name"), field("number")) {
        (Some(name), _) => format!("name {name}"),
        (None, Some(number)) => format!("number {number}"),
        (None, None) => "(none)".to_owned(),
    }
}

fn ingress_routing_problems() -> Vec<String> {
    let files = k8s_files();
    let ingresses = k8s_objects(&files, "Ingress");
    let mut problems = Vec::new();
    if ingresses.is_empty() {
        return vec!["deploy/k8s has no Ingress".to_owned()];
    }

    let mut paths = Vec::new();
    for (file, ingress) in &ingresses {
        let uses_regex = str_at(
            ingress,
            &[
                "metadata",
                "annotations",
                "nginx.ingress.kubernetes.io/use-regex",
            ],
        ) == Some("true");
        for rule in seq_at(ingress, &["spec", "rules"]) {
            for entry in seq_at(rule, &["http", "paths"]) {
                let path = IngressPath {
                    file: (*file).to_owned(),
                    path: str_at(entry, &["path"]).unwrap_or_default().to_owned(),
                    path_type: str_at(entry, &["pathType"]).unwrap_or_default().to_owned(),
                    service: str_at(entry, &["backend", "service", "name"])
                        .unwrap_or_default()
                        .to_owned(),
                    port: at(entry, &["backend", "service", "port"]).cloned(),
                };
                if path.path_type == "ImplementationSpecific" && !uses_regex {
                    problems.push(format!(
                        "{file}: Ingress `{}` has the regex path {} but not the annotation \
                         nginx.ingress.kubernetes.io/use-regex: \"true\"",
                        object_name(ingress),
                        path.path
                    ));
                }
                paths.push(path);
            }
        }
    }

    let mut expect = |matches: &dyn Fn(&IngressPath) -> bool, service: &str, what: String| {
        let candidates: Vec<&IngressPath> = paths.iter().filter(|p| matches(p)).collect();
        if candidates.is_empty() {
            problems.push(format!("the Ingress has no {what} (-> Service {service})"));
        }
        for path in candidates {
            if path.service != service {
                problems.push(format!(
                    "{}: the Ingress sends {} to Service `{}`, expected `{service}`",
                    path.file, path.path, path.service
                ));
            }
        }
    };
    for (service, prefixes) in api_prefixes() {
        for prefix in prefixes {
            expect(
                &|p: &IngressPath| p.path == *prefix && p.path_type == "Prefix",
                service,
                format!("pathType Prefix path {prefix}"),
            );
        }
    }
    expect(
        &|p: &IngressPath| p.path.trim_start_matches('^') == MATCHING_REGEX_PATH,
        "matching",
        format!("path {MATCHING_REGEX_PATH}"),
    );
    expect(
        &|p: &IngressPath| p.path.trim_end_matches('$') == MATCHING_WORKLIST_PATH,
        "matching",
        format!("path {MATCHING_WORKLIST_PATH}"),
    );
    expect(
        &|p: &IngressPath| p.path == "/" && p.path_type == "Prefix",
        "portal",
        "pathType Prefix path /".to_owned(),
    );

    // Every backend must name a port its Service exposes.
    for path in &paths {
        let Some(service) = k8s_service(&files, &path.service) else {
            problems.push(format!(
                "{}: the Ingress sends {} to Service `{}`, which is not in deploy/k8s",
                path.file, path.path, path.service
            ));
            continue;
        };
        let exposed = seq_at(service, &["spec", "ports"]).iter().any(|port| {
            let by_name = at(port, &["name"]).is_some()
                && path.port.as_ref().and_then(|p| p.get("name")) == at(port, &["name"]);
            let by_number = at(port, &["port"]).is_some()
                && path.port.as_ref().and_then(|p| p.get("number")) == at(port, &["port"]);
            by_name || by_number
        });
        if !exposed {
            problems.push(format!(
                "{}: the Ingress sends {} to port {} of Service `{}`, which has no such port",
                path.file,
                path.path,
                port_text(path.port.as_ref()),
                path.service
            ));
        }
    }
    problems
}

#[test]
fn ingress_routes_every_api_prefix_to_its_service() {
    let mut problems = nginx_routing_problems();
    problems.extend(ingress_routing_problems());
    assert!(
        problems.is_empty(),
        "routing:\n  - {}",
        problems.join("\n  - ")
    );
}

// ---------------------------------------------------------------------------------------------
// The image's default command: the no-compile way to try TechMarket

/// The Dockerfile's instructions of its last stage (the image), continuation lines joined and
/// comments dropped: (instruction, arguments).
fn dockerfile_final_stage() -> Vec<(String, String)> {
    let text = read(&deploy_dir().join("Dockerfile"));
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || (line.is_empty() && current.is_empty()) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                let (name, args) = current.split_once(' ').unwrap_or((current.as_str(), ""));
                instructions.push((name.to_uppercase(), args.trim().to_owned()));
                current.clear();
            }
        }
    }
    let last_from = instructions
        .iter()
        .rposition(|(name, _)| name == "FROM")
        .unwrap_or_else(|| panic!("deploy/Dockerfile has no FROM"));
    instructions.split_off(last_from)
}

/// The last `name` instruction's arguments in the image stage.
fn dockerfile_last<'a>(stage: &'a [(String, String)], name: &str) -> &'a str {
    stage
        .iter()
        .rev()
        .find(|(instruction, _)| instruction == name)
        .map(|(_, args)| args.as_str())
        .unwrap_or_else(|| panic!("deploy/Dockerfile's image stage has no {name}"))
}

fn exec_form(name: &str, args: &str) -> Vec<String> {
    serde_json::from_str(args).unwrap_or_else(|err| {
        panic!("deploy/Dockerfile: {name} must be in exec (JSON) form, is `{args}`: {err}")
    })
}

#[test]
fn image_starts_embedded_mode_with_sample_data_on_its_exposed_port() {
    let stage = dockerfile_final_stage();
    let entrypoint = exec_form("ENTRYPOINT", dockerfile_last(&stage, "ENTRYPOINT"));
    assert_eq!(entrypoint, ["techmarket"], "deploy/Dockerfile ENTRYPOINT");
    let cmd = exec_form("CMD", dockerfile_last(&stage, "CMD"));
    let flag = |name: &str| {
        cmd.iter()
            .position(|word| word == name)
            .and_then(|i| cmd.get(i + 1))
            .map(String::as_str)
    };
    let mut problems = Vec::new();
    if cmd.first().map(String::as_str) != Some("up") {
        problems.push(format!("CMD must start embedded mode (`up`), is {cmd:?}"));
    }
    if cmd.iter().any(|word| word == "--no-sample") {
        problems.push("CMD must load the sample data, it passes --no-sample".to_owned());
    }
    let exposed: Vec<&str> = dockerfile_last(&stage, "EXPOSE")
        .split_whitespace()
        .collect();
    // `up` listens where --addr says (its default is loopback, unreachable through -p).
    match flag("--addr").and_then(|addr| addr.strip_prefix("0.0.0.0:")) {
        Some(port) if exposed.contains(&port) => {
            let healthcheck = dockerfile_last(&stage, "HEALTHCHECK");
            if !healthcheck.contains(&format!("127.0.0.1:{port}/healthz")) {
                problems.push(format!(
                    "HEALTHCHECK must probe /healthz on port {port}, is `{healthcheck}`"
                ));
            }
        }
        _ => problems.push(format!(
            "CMD must pass --addr 0.0.0.0:<port> with the port among EXPOSE {exposed:?}, is {cmd:?}"
        )),
    }
    // The image's user owns only its home (the WORKDIR): the data must live there.
    let home = dockerfile_last(&stage, "WORKDIR");
    match flag("--data-dir") {
        Some(dir) if dir.starts_with(&format!("{home}/")) => {}
        other => problems.push(format!(
            "CMD must pass a --data-dir under the WORKDIR {home}, passes {other:?}"
        )),
    }
    assert!(
        problems.is_empty(),
        "deploy/Dockerfile:\n  - {}",
        problems.join("\n  - ")
    );
}

// ---------------------------------------------------------------------------------------------
// The helpers themselves

#[test]
fn deploy_checks_find_variables_and_locations_in_text() {
    let vars = techmarket_vars(
        "X=\"$$(cat f)\" TECHMARKET_DATABASE__URL=\"x\" ${TECHMARKET_SEARCH__MEILI_URL} \
         MY_TECHMARKET_NOT_OURS TECHMARKET_",
    );
    assert_eq!(
        vars.into_iter().collect::<Vec<_>>(),
        ["TECHMARKET_DATABASE__URL", "TECHMARKET_SEARCH__MEILI_URL"]
    );

    let config = parse_nginx(
        "http { upstream a { server a:8080; } # comment { ;\n server { \
         location = /x { proxy_pass http://a; } \
         location ~ \"^/y/[^/]+/z\" { proxy_pass http://b/; } \
         location / { return 200 \"ok;}\"; } } }",
    );
    let found: Vec<String> = nginx_locations(&config).iter().map(describe).collect();
    assert_eq!(
        found,
        [
            "location = /x -> a",
            "location ~ ^/y/[^/]+/z -> b",
            "location / -> (no proxy_pass)"
        ]
    );
}
