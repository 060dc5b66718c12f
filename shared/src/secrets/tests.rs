//! The scanner's cases: every shape it must find (and exactly what it masks), the ordinary
//! code and commands it must leave alone, the views, and the tool calls.

use serde_json::json;

use super::*;
use crate::protocol::ToolCall;

fn kinds(text: &str) -> Vec<&'static str> {
    scan(text).into_iter().map(|m| m.kind).collect()
}

/// Each secret kind, with the text that must be masked and the kind it is reported as.
const SECRETS: &[(&str, &str, &str)] = &[
    (
        "curl -H 'x-api-key: sk-ant-api03-Xb7kPq2ZrT9wLm4NvC8sDf3Gh6Jk1Lp0QaWeRtYuIoPa-AbCdEf12' https://api.anthropic.com",
        "sk-ant-api03-Xb7kPq2ZrT9wLm4NvC8sDf3Gh6Jk1Lp0QaWeRtYuIoPa-AbCdEf12",
        "anthropic-key",
    ),
    (
        "OPENAI=sk-proj-4fGh7Jk9Lm2Np5Qr8St1Uv3Wx6Yz0Ab",
        "sk-proj-4fGh7Jk9Lm2Np5Qr8St1Uv3Wx6Yz0Ab",
        "openai-key",
    ),
    (
        "key: sk-T3BlbkFJ4fGh7Jk9Lm2Np5Qr8St1Uv3Wx6Yz0Ab12",
        "sk-T3BlbkFJ4fGh7Jk9Lm2Np5Qr8St1Uv3Wx6Yz0Ab12",
        "openai-key",
    ),
    (
        "id=AKIAIOSFODNN7EXAMPLE;",
        "AKIAIOSFODNN7EXAMPLE",
        "aws-access-key",
    ),
    (
        "ASIAY34FZKBOKMUTVV7A",
        "ASIAY34FZKBOKMUTVV7A",
        "aws-access-key",
    ),
    (
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "aws-secret-key",
    ),
    (
        "git remote add o https://ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8@github.com/x/y",
        "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
        "github-token",
    ),
    (
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
        "github-token",
    ),
    (
        "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
        "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
        "github-token",
    ),
    (
        "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV",
        "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV",
        "github-token",
    ),
    (
        "glpat-xT9wLm4NvC8sDf3Gh6Jk",
        "glpat-xT9wLm4NvC8sDf3Gh6Jk",
        "gitlab-token",
    ),
    (
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "slack-token",
    ),
    (
        "xoxp-123456789012-abcdef",
        "xoxp-123456789012-abcdef",
        "slack-token",
    ),
    (
        "stripe.api_key = sk_live_51H8kPq2ZrT9wLm4NvC8sDf3G",
        "sk_live_51H8kPq2ZrT9wLm4NvC8sDf3G",
        "stripe-key",
    ),
    (
        "maps?key=AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q&x",
        "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
        "google-api-key",
    ),
    (
        "//registry.npmjs.org/:_authToken=npm_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
        "npm_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
        "npm-token",
    ),
    (
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U done",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "jwt",
    ),
    (
        "cat > id <<EOF\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBz\n-----END OPENSSH PRIVATE KEY-----\nEOF",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBz\n-----END OPENSSH PRIVATE KEY-----",
        "private-key",
    ),
    (
        "git clone https://deploy:s3cr3tPass@git.example.com/repo.git",
        "s3cr3tPass",
        "url-password",
    ),
    (
        "psql postgres://app:hunter2@db:5432/app",
        "hunter2",
        "url-password",
    ),
    (
        "tool --password=hunter2 --verbose",
        "hunter2",
        "secret-argument",
    ),
    (
        "gh api --token abc123def456",
        "abc123def456",
        "secret-argument",
    ),
    ("cli --api-key \"k-98765\"", "k-98765", "secret-argument"),
    ("mysql -u root -phunter2 app", "hunter2", "secret-argument"),
    (
        "curl -H 'Authorization: Bearer abc.def.ghi123' https://x",
        "abc.def.ghi123",
        "authorization",
    ),
    (
        "Authorization: token 0123456789abcdef",
        "0123456789abcdef",
        "authorization",
    ),
    ("PASSWORD=hunter2 ./run.sh", "hunter2", "secret-assignment"),
    (
        "export DB_PASSWORD='correct horse'",
        "correct horse",
        "secret-assignment",
    ),
    ("SECRET=s3cr3t npm start", "s3cr3t", "secret-assignment"),
    ("TOKEN=t0k3n make deploy", "t0k3n", "secret-assignment"),
    ("API_KEY = \"abc123\"", "abc123", "secret-assignment"),
    ("{\"password\": \"hunter2\"}", "hunter2", "secret-field"),
];

#[test]
fn finds_and_masks_every_kind() {
    for (text, secret, kind) in SECRETS {
        let found = scan(text);
        assert_eq!(
            found
                .iter()
                .map(|m| (m.kind, &text[m.range.clone()]))
                .collect::<Vec<_>>(),
            vec![(*kind, *secret)],
            "in {text:?}"
        );
        let masked = redact(text);
        assert!(!masked.contains(secret), "{masked}");
        assert!(masked.contains(&format!("[REDACTED:{kind}]")), "{masked}");
    }
}

#[test]
fn leaves_ordinary_code_alone() {
    let ordinary = [
        "let password = prompt_password()?;",
        "if token.is_empty() { return Err(Error::NoToken); }",
        "const MAX_TOKENS: usize = 4096;",
        "mkdir -p build/output && cp -pr src dst",
        "gcc -pthread -O2 main.c -o main",
        "ssh -p 2222 deploy@example.com",
        "psql -h localhost -p 5432 -U postgres",
        "docker run -p 8080:80 nginx",
        "git clone git@github.com:org/repo.git",
        "curl https://example.com/api?page=2&per_page=100",
        "export PATH=$HOME/bin:$PATH",
        "echo $GITHUB_TOKEN | gh auth login --with-token",
        "curl -H \"Authorization: Bearer $TOKEN\" https://api.example.com",
        "git clone https://x-access-token:${GH_TOKEN}@github.com/o/r.git",
        "<div class=\"sk-button-primary-large-outline-variant\">",
        "risk-assessment-for-the-deployment-pipeline-config",
        "TOKEN_URL=https://auth.example.com/token ./login",
        "PWD=/home/dev/project",
        "if TOKEN == expected:",
        "API_KEY = os.environ[\"API_KEY\"]",
        "PASSWORD = get_password()",
        "const HEADER: &str = \"-----BEGIN PRIVATE KEY-----\";",
        "fn tokenize(input: &str) -> Vec<Token> { input.split(' ').map(Token::from).collect() }",
        "assert_eq!(config.secret, None);",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "git log --pretty=format:%H -n 1 --since=2.weeks",
        "uuid: 123e4567-e89b-12d3-a456-426614174000",
        "aws s3 ls s3://bucket/prefix --profile prod --region eu-west-1",
        "cargo test -- --nocapture --test-threads=1",
        "npm_config_cache=/tmp/npm npm ci",
        "AKIAXXXXXXXXXXXXXXXX is the placeholder in the docs",
        "kubectl create secret generic app --from-literal=user=admin",
        "\"token\": \"<your-token-here>\"",
        "tool --password-file ~/.pw --token-file /run/secrets/t",
        "read -s -p 'Password: ' PASSWORD",
        "https://docs.rs/sha2/latest/sha2/struct.Sha256.html#method.digest",
        "x = a != b && c >= d",
    ];
    for line in ordinary {
        assert_eq!(
            kinds(line),
            Vec::<&str>::new(),
            "false positive in {line:?}"
        );
        assert_eq!(redact(line), line);
    }
}

#[test]
fn redaction_is_idempotent_and_keeps_the_rest() {
    let text = "PASSWORD=hunter2 curl -u x https://u:p4ss@h/ -H 'Authorization: Bearer zzz123'";
    let once = redact(text);
    assert_eq!(
        once,
        "PASSWORD=[REDACTED:secret-assignment] curl -u x https://u:[REDACTED:url-password]@h/ -H 'Authorization: Bearer [REDACTED:authorization]'"
    );
    assert_eq!(redact(&once), once);
}

#[test]
fn an_unterminated_private_key_is_masked_to_the_end_of_its_body() {
    let text =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    assert_eq!(redact(text), "[REDACTED:private-key]");
}

#[test]
fn multibyte_text_never_splits_a_character() {
    for text in [
        "é=é",
        "ÉTÉ_TOKEN=é",
        "--é",
        "--password=é",
        " -pé mysql",
        "mysql -pé",
        "mysql -p",
        "https://é:é@é",
        "ftp://:@",
        "-----BEGIN é PRIVATE KEY-----",
        "Authorization:é",
        "\"password\":\"é\\",
        "aws_secret_access_key=é",
        "sk-",
        "eyJé.eyJ",
        "=",
        "",
    ] {
        let _ = redact(text);
    }
    assert_eq!(
        redact("mot de passe: PASSWORD=été"),
        "mot de passe: PASSWORD=[REDACTED:secret-assignment]"
    );
}

#[test]
fn a_specific_kind_wins_over_a_generic_one() {
    assert_eq!(
        kinds("GITHUB_TOKEN=ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"),
        vec!["github-token"]
    );
}

/// The shapes added for the input filter and the audit trail, as (text, masked, kind).
const MORE_SECRETS: &[(&str, &str, &str)] = &[
    (
        "PGPASSWORD=hunter2 psql -h db app",
        "hunter2",
        "secret-assignment",
    ),
    (
        "MYSQL_PWD=s3cret mysql -u root app",
        "s3cret",
        "secret-assignment",
    ),
    (
        "db_password=hunter2 ./migrate",
        "hunter2",
        "secret-assignment",
    ),
    (
        "spring.datasource.password=hunter2",
        "hunter2",
        "secret-assignment",
    ),
    (
        "java -Ddb.password=hunter2 -jar app.jar",
        "hunter2",
        "secret-argument",
    ),
    ("Db_Password: hunter2", "hunter2", "secret-field"),
    ("  client_secret: 'c9d8e7f6'", "c9d8e7f6", "secret-field"),
    ("{\"dbPassword\": \"hunter2\"}", "hunter2", "secret-field"),
    ("{\"api_key\":\"k-98765\"}", "k-98765", "secret-field"),
    (
        "deploy --db-password hunter2 --yes",
        "hunter2",
        "secret-argument",
    ),
    (
        "deploy --db-password=hunter2 --yes",
        "hunter2",
        "secret-argument",
    ),
    (
        "curl -u admin:hunter22 https://ci.example.com/api",
        "hunter22",
        "basic-auth",
    ),
    (
        "curl -uadmin:hunter22 https://ci.example.com/api",
        "hunter22",
        "basic-auth",
    ),
    (
        "curl --user admin:hunter22 https://ci.example.com/api",
        "hunter22",
        "basic-auth",
    ),
    (
        "curl -H 'X-Api-Key: 8f2b1c9d7e6a5f4b' https://api.example.com",
        "8f2b1c9d7e6a5f4b",
        "secret-field",
    ),
    (
        "curl -H \"Api-Key: 8f2b1c9d7e6a5f4b\" https://api.example.com",
        "8f2b1c9d7e6a5f4b",
        "secret-field",
    ),
    (
        "curl --header 'Private-Token: 8f2b1c9d7e6a5f4b' https://gitlab.example.com",
        "8f2b1c9d7e6a5f4b",
        "secret-field",
    ),
    (
        "curl -H 'Cookie: session=9f8e7d6c5b4a; theme=dark' https://x.example.com",
        "session=9f8e7d6c5b4a; theme=dark",
        "cookie",
    ),
    (
        "curl --cookie 'session=9f8e7d6c5b4a' https://x.example.com",
        "session=9f8e7d6c5b4a",
        "cookie",
    ),
    (
        "curl 'https://api.example.com/v1/data?key=a1b2c3d4e5f6&q=1'",
        "a1b2c3d4e5f6",
        "url-secret",
    ),
    (
        "https://x.example.com/feed?user=me&token=9f8e7d6c5b4a",
        "9f8e7d6c5b4a",
        "url-secret",
    ),
    (
        "GET /me?access_token=EAAGm0PX4ZCpsBA HTTP/1.1",
        "EAAGm0PX4ZCpsBA",
        "url-secret",
    ),
    (
        "https://acct.blob.core.windows.net/c/b?sp=r&sig=AbC123dEf456GhI789",
        "AbC123dEf456GhI789",
        "url-secret",
    ),
    (
        "HF_HUB=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",
        "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",
        "huggingface-token",
    ),
    (
        "sg = 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",
        "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",
        "sendgrid-key",
    ),
    (
        "doctl auth init -t dop_v1_6947ccf25ec84d8dbc74254770f58904dba41ecccc3fc1626e53a13043b026c4",
        "dop_v1_6947ccf25ec84d8dbc74254770f58904dba41ecccc3fc1626e53a13043b026c4",
        "digitalocean-token",
    ),
    (
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=UIQfHOJMaidDn87XG3/q/xbMtEPO6UkzYuF0ie9Pu2njHkAm1/5wDr16EpLLJIVGHz4FxFEtKyPiYGFDm7ena8==;EndpointSuffix=core.windows.net",
        "UIQfHOJMaidDn87XG3/q/xbMtEPO6UkzYuF0ie9Pu2njHkAm1/5wDr16EpLLJIVGHz4FxFEtKyPiYGFDm7ena8==",
        "secret-assignment",
    ),
    (
        "twilio api --key SK7c76fb008f86bebb2737f6a6f0fb23c6",
        "SK7c76fb008f86bebb2737f6a6f0fb23c6",
        "twilio-key",
    ),
    (
        "mg = key-4l1vfz3zfkkibj3j4wj99ibag7i1mnbq",
        "key-4l1vfz3zfkkibj3j4wj99ibag7i1mnbq",
        "mailgun-key",
    ),
    (
        "client.run('MTA4NjQ5MjM0NTY3ODkwMTIzNA.uqIA1i.hT61qtc4xatws8phP9nhFyJfm5di4PzJ59FHz5')",
        "MTA4NjQ5MjM0NTY3ODkwMTIzNA.uqIA1i.hT61qtc4xatws8phP9nhFyJfm5di4PzJ59FHz5",
        "discord-token",
    ),
    (
        "curl https://api.telegram.org/bot123456789:AAGSU8po_799NksnRH9ucAUsdMlHUvTCQCy/getMe",
        "123456789:AAGSU8po_799NksnRH9ucAUsdMlHUvTCQCy",
        "telegram-bot-token",
    ),
    (
        "twine upload -p pypi-AgEIcHlwaS5vcmcQ52ryFlwRlOEVHzc0X0AWIRh-JUqBlIFXZ53Ncqe28_ajY75FnCttn6kfaqDeMqG3omjMyXHCabM6JOF8EFd0Nhcy-1kGD2VD-eR1UYzaLiA-zNyD7CHLn-x dist/*",
        "pypi-AgEIcHlwaS5vcmcQ52ryFlwRlOEVHzc0X0AWIRh-JUqBlIFXZ53Ncqe28_ajY75FnCttn6kfaqDeMqG3omjMyXHCabM6JOF8EFd0Nhcy-1kGD2VD-eR1UYzaLiA-zNyD7CHLn-x",
        "pypi-token",
    ),
    (
        "X-Shopify-Access-Token: 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",
        "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",
        "shopify-token",
    ),
    (
        "square = sq0atp-OlUcR64cXQLioDnkHIfxIq",
        "sq0atp-OlUcR64cXQLioDnkHIfxIq",
        "square-token",
    ),
    (
        "square = sq0csp-2HZt_PlJhx2jIclHkCiHp6bR1IqfEouHgxzNNAL5wIS",
        "sq0csp-2HZt_PlJhx2jIclHkCiHp6bR1IqfEouHgxzNNAL5wIS",
        "square-token",
    ),
    (
        "square = EAAAcGebcy8F5n3_YNBDRzrZSgqbjG3uhkWKFLf6xuI5aHUQPFeNBTxaQWk8JzFa",
        "EAAAcGebcy8F5n3_YNBDRzrZSgqbjG3uhkWKFLf6xuI5aHUQPFeNBTxaQWk8JzFa",
        "square-token",
    ),
    (
        "databricks configure --token dapi2824c1c099724caf4941d4072014b3ce",
        "dapi2824c1c099724caf4941d4072014b3ce",
        "databricks-token",
    ),
    (
        "vault login hvs.gcF_Ha6ili8GjHEAD6-Wj9KfzjsQGMrb9h_ImB_LK777pzNk8cL6j5IXAAjlsHUqJoUD",
        "hvs.gcF_Ha6ili8GjHEAD6-Wj9KfzjsQGMrb9h_ImB_LK777pzNk8cL6j5IXAAjlsHUqJoUD",
        "vault-token",
    ),
    (
        "# created: 2026\nAGE-SECRET-KEY-1VQJSHYECYHM3R3XRJF03M5VHMPED9R6UGJLRG2764JNSSE0N7E822YDLWU\n",
        "AGE-SECRET-KEY-1VQJSHYECYHM3R3XRJF03M5VHMPED9R6UGJLRG2764JNSSE0N7E822YDLWU",
        "private-key",
    ),
    (
        "curl -X POST https://hooks.slack.com/services/T024BE7LD/B01ABCDEF12/AbC123dEf456GhI789jKl012 -d x",
        "T024BE7LD/B01ABCDEF12/AbC123dEf456GhI789jKl012",
        "slack-webhook",
    ),
    (
        "https://discord.com/api/webhooks/123456789012345678/C_1hsYgBds1ghxY5OokvQyx7eNWVQ4vnakJkS1pAWTN3lg8zV5yPU8d0FZfWe7ihGyiR",
        "C_1hsYgBds1ghxY5OokvQyx7eNWVQ4vnakJkS1pAWTN3lg8zV5yPU8d0FZfWe7ihGyiR",
        "discord-webhook",
    ),
    (
        "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"dXNlcjpwYXNzd29yZA==\"}}}",
        "dXNlcjpwYXNzd29yZA==",
        "secret-field",
    ),
    (
        "_authToken=AbC123dEf456",
        "AbC123dEf456",
        "secret-assignment",
    ),
];

#[test]
fn finds_and_masks_every_added_shape() {
    for (text, secret, kind) in MORE_SECRETS {
        let found = scan(text);
        assert_eq!(
            found
                .iter()
                .map(|m| (m.kind, &text[m.range.clone()]))
                .collect::<Vec<_>>(),
            vec![(*kind, *secret)],
            "in {text:?}"
        );
        assert!(!redact(text).contains(secret), "{}", redact(text));
    }
}

#[test]
fn a_service_account_key_and_a_sas_url_are_masked_whole() {
    let service_account = r#"{"type": "service_account", "private_key_id": "1f2e3d4c", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n", "client_email": "x@p.iam.gserviceaccount.com"}"#;
    let masked = redact(service_account);
    assert!(!masked.contains("MIIEvQIBADAN"), "{masked}");
    assert!(masked.contains("client_email"), "{masked}");
    let sas = "BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&srt=sco&sp=rl&sig=AbC123dEf456GhI789%3D";
    let masked = redact(sas);
    assert!(!masked.contains("AbC123dEf456"), "{masked}");
}

#[test]
fn secrets_hidden_by_escapes_or_shell_quoting_are_found_and_masked_whole() {
    let token = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    for (text, hidden) in [
        (
            "curl 'https://x.example.com/?t=%67hp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'",
            "%67hp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
        ),
        (
            "echo 'ghp_'\"A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8\" | gh auth login",
            "ghp_'\"A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
        ),
        (
            r"export T=gh\p_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
            r"gh\p_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
        ),
        (
            r"printf $'\x67hp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'",
            r"\x67hp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
        ),
        (
            "curl -u 'admin':'hunter22' https://ci.example.com",
            "hunter22",
        ),
    ] {
        let found = scan(text);
        assert!(
            found.iter().any(|m| text[m.range.clone()].contains(hidden)
                || hidden.contains(&text[m.range.clone()])),
            "{text}: {found:?}"
        );
        let masked = redact(text);
        assert!(
            !masked.contains(&token[4..]) && !masked.contains("hunter22"),
            "{masked}"
        );
    }
}

/// Lines of ordinary code, configuration and commands that hold no secret.
const ORDINARY: &[&str] = &[
    "primary_key = True",
    "id = models.AutoField(primary_key=True)",
    "sort --key=2 data.txt",
    "gpg --recv-keys 0xABCDEF1234567890",
    "<input type=\"password\" name=\"password\" id=\"pw\">",
    "def login(username, password=None):",
    "db.connect(user=user, password=pw)",
    "client = Client(token=tok, timeout=3)",
    "pub struct Login { password: String, token: Option<Token> }",
    "fn new(key: &str, pin: u32) -> Self",
    "interface Creds { password: string; apiKey?: string }",
    "password: str = Field(..., min_length=12)",
    "headers = {\"Authorization\": f\"Bearer {token}\"}",
    "git push -u origin main",
    "docker run -u 1000:1000 --user app:app image",
    "ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519 -N ''",
    "openssl req -newkey rsa:2048 -nodes -keyout key.pem -out req.csr",
    "max_tokens: 4096",
    "\"max_tokens\": 1500,",
    "next_token = response[\"next_token\"]",
    "cache_key = f\"{user}:{page}\"",
    "password_hash = bcrypt.hashpw(pw, salt)",
    "export AWS_PROFILE=prod KEY_ID=k1",
    "secret_name: my-app-secret",
    "kubectl get secret db-password -o yaml",
    "token = tokenizer.next_token()",
    "auth: { user: 'x' }",
    "<Item key={item.id} label=\"x\" />",
    "<li key=\"nav-home\">Home</li>",
    "{\"key\": \"home.title\", \"value\": \"Welcome\"}",
    "api_key_env: OPENAI_API_KEY",
    "curl -sS \"https://api.example.com/items?limit=10&sort=desc&page_token=abc\"",
    "SECRET_KEY_BASE=$(openssl rand -hex 64)",
    "echo \"password: $DB_PASSWORD\"",
    "Bearer token authentication is configured in the gateway",
    "ssh -i ~/.ssh/deploy_key deploy@example.com",
    "token: ${{ secrets.GITHUB_TOKEN }}",
    "const token = await getToken();",
    "\"private_key_path\": \"/home/u/.ssh/id_ed25519\"",
    "let auth = Auth::new(token);",
    "--auth-type=basic --keyfile ~/.ssh/k",
    "password=os.environ['DB_PASSWORD']",
    "pad_token = \"<pad>\"",
    "kubectl create secret generic app --from-literal=password=$DB_PASSWORD",
    "The notebook is about monkeys, donkeys and keyboards; it does not say much.",
    "retry: 3, timeout: 30, cookie: false",
    "MTIzNDU2Nzg5MDEy is a base64 string",
    "curl -H 'X-Api-Key: ${API_KEY}' https://api.example.com",
    "echo 'don'\"'\"'t' && printf '%s\\n' \"it's\"",
    "50% of the 100% done; %s and %d",
    "curl -u \"$USER:$PASS\" https://ci.example.com",
    "curl --user admin: https://ci.example.com",
    "token_type: bearer",
    "--password-stdin < pw.txt",
    "gh auth login --with-token < token.txt",
    "Set-Cookie: is a response header",
    "getpass(prompt='Password: ')",
    "mysql -h db -P 3306 -u app -p app",
    "/// Reading a secret: keys and credentials are high, other secret files medium.",
    "Whether a path names a secret: `.env` files, SSH/GPG keys",
    "redacts `PASSWORD=`/`SECRET=`/`TOKEN=`-style assignments",
    "the token: an opaque string the server hands out",
    "echo `cat password.txt`; PASSWORD=`pass show db` ./run",
];

#[test]
fn leaves_more_ordinary_code_alone() {
    for line in ORDINARY {
        assert_eq!(
            kinds(line),
            Vec::<&str>::new(),
            "false positive in {line:?}"
        );
        assert_eq!(redact(line), *line);
    }
}

fn call(name: &str, input: serde_json::Value) -> ToolCall {
    ToolCall {
        name: name.into(),
        input,
        mcp_server: None,
    }
}

fn call_kinds(name: &str, input: serde_json::Value) -> Vec<&'static str> {
    scan_call(&call(name, input), None)
        .into_iter()
        .map(|s| s.kind)
        .collect()
}

#[test]
fn a_call_is_scanned_where_it_writes_sends_or_runs() {
    let token = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    let github = vec!["github-token"];
    assert_eq!(
        call_kinds("Bash", json!({"command": format!("echo {token}")})),
        github
    );
    assert_eq!(
        call_kinds(
            "Monitor",
            json!({"command": format!("tail -f log | grep {token}")})
        ),
        github
    );
    assert_eq!(
        call_kinds("PowerShell", json!({"command": format!("$t = '{token}'")})),
        github
    );
    assert_eq!(
        call_kinds("Write", json!({"file_path": "/p/a", "content": token})),
        github
    );
    assert_eq!(
        call_kinds(
            "Edit",
            json!({"file_path": "/p/a", "old_string": "x", "new_string": token})
        ),
        github
    );
    assert_eq!(
        call_kinds(
            "NotebookEdit",
            json!({"notebook_path": "/p/a.ipynb", "new_source": token})
        ),
        github
    );
    assert_eq!(
        call_kinds("WebSearch", json!({"query": format!("what is {token}")})),
        github
    );
    assert_eq!(
        call_kinds(
            "WebFetch",
            json!({"url": "https://x.example.com/?t=%67hp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "prompt": "p"})
        ),
        github
    );
    assert_eq!(
        call_kinds(
            "mcp__github__create_issue",
            json!({"title": "t", "body": {"text": [token]}})
        ),
        github
    );
    assert_eq!(
        call_kinds("mcp__db__connect", json!({"password": "hunter2"})),
        vec!["secret-field"]
    );
    let edits = scan_call(
        &call(
            "MultiEdit",
            json!({"file_path": "/p/a", "edits": [
                {"old_string": "a", "new_string": "b"},
                {"old_string": token, "new_string": format!("PASSWORD=hunter2 {token}")},
            ]}),
        ),
        None,
    );
    assert_eq!(
        edits,
        [
            CallSecret {
                kind: "secret-assignment",
                field: "/edits/1/new_string".into()
            },
            CallSecret {
                kind: "github-token",
                field: "/edits/1/new_string".into()
            },
        ]
    );
}

#[test]
fn what_a_call_replaces_reads_or_describes_is_not_scanned() {
    let token = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    assert!(
        call_kinds(
            "Edit",
            json!({"file_path": "/p", "old_string": token, "new_string": "x"})
        )
        .is_empty()
    );
    assert!(call_kinds("Read", json!({"file_path": format!("/p/{token}")})).is_empty());
    assert!(call_kinds("Grep", json!({"pattern": token})).is_empty());
    assert!(
        call_kinds(
            "Bash",
            json!({"command": "ls", "description": format!("look for {token}")})
        )
        .is_empty()
    );
}

#[test]
fn the_shells_words_are_scanned_together() {
    let words: Vec<String> = ["curl", "-u", "admin:hunter22", "https://ci.example.com"]
        .map(String::from)
        .to_vec();
    assert_eq!(scan_shell_words(&words), ["basic-auth"]);
    let found = scan_call(
        &call("Bash", json!({"command": "curl -u \"$CREDS\" https://x"})),
        Some(&words),
    );
    assert_eq!(
        found,
        [CallSecret {
            kind: "basic-auth",
            field: "/command (as the shell reads it)".into()
        }]
    );
}

/// Measures the scan (the best of 20 batches, so that other load on the machine counts
/// least): `cargo test -p hookkit --release secrets::tests::scan_cost -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn scan_cost() {
    let code = include_str!("named.rs").repeat(10);
    let command = "git commit -m 'fix the parser' && cargo test --workspace -- --nocapture";
    let quoted = r#"curl -H 'X-Api-Key: '"$KEY" "https://api.example.com/v1/items?page=2&q=a%20b""#;
    for (name, text, rounds) in [
        ("command", command, 20_000),
        ("quoted command", quoted, 20_000),
        ("source, 10 copies", code.as_str(), 20),
    ] {
        let best = (0..20)
            .map(|_| {
                let started = std::time::Instant::now();
                for _ in 0..rounds {
                    std::hint::black_box(scan(std::hint::black_box(text)));
                }
                started.elapsed() / rounds
            })
            .min()
            .unwrap_or_default();
        let rate =
            f64::from(u32::try_from(text.len()).unwrap_or(u32::MAX)) / best.as_secs_f64() / 1e6;
        println!(
            "{name}: {} bytes, {best:?} a scan, {rate:.0} MB/s",
            text.len()
        );
    }
}
