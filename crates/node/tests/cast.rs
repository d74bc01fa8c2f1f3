//! The node driven by Foundry's `cast` (the npm package `script/setup.sh` installs), with no
//! special flags: what a person at a terminal does.

use std::process::Command;

use pm_node::{start, NodeConfig};

fn cast(args: &[&str]) -> (bool, String, String) {
    let bin = concat!(env!("CARGO_MANIFEST_DIR"), "/../../node_modules/.bin/cast");
    let out = Command::new(bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{bin}: {e}; run script/setup.sh"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).trim().to_string(),
    )
}

fn ok(args: &[&str]) -> String {
    let (success, stdout, stderr) = cast(args);
    assert!(success, "cast {args:?}: {stderr}");
    stdout
}

#[tokio::test(flavor = "multi_thread")]
async fn cast_sends_deploys_calls_and_sees_a_custom_error() {
    let node = start(NodeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..Default::default()
    })
    .await
    .unwrap();
    let url = node.url();
    let key = format!("0x{}", alloy_primitives::hex::encode(node.accounts[0].key));
    let result = tokio::task::spawn_blocking(move || {
        let rpc = url.as_str();
        assert_eq!(ok(&["chain-id", "--rpc-url", rpc]), "412346");
        let to = "0x000000000000000000000000000000000000bEEF";
        ok(&[
            "send",
            "--rpc-url",
            rpc,
            "--private-key",
            &key,
            to,
            "--value",
            "1ether",
        ]);
        assert_eq!(ok(&["balance", to, "--rpc-url", rpc]), "1000000000000000000");
        assert_eq!(ok(&["block-number", "--rpc-url", rpc]), "1");

        // A contract that reverts with its calldata: a custom error comes back as data.
        let runtime = "3615601057366000600037366000fd005b7f";
        let topic = ok(&["keccak", "Ping()"]);
        let init = format!("0x603880600b6000396000f3{runtime}{}60006000a100", &topic[2..]);
        let receipt = ok(&[
            "send",
            "--rpc-url",
            rpc,
            "--private-key",
            &key,
            "--create",
            &init,
            "--json",
        ]);
        let receipt: serde_json::Value = serde_json::from_str(&receipt).unwrap();
        let contract = receipt["contractAddress"].as_str().unwrap().to_string();
        assert_eq!(receipt["status"], "0x1");
        let data = ok(&["calldata", "Refused(uint256,address)", "7", to]);
        let (success, _, stderr) = cast(&["call", &contract, &data, "--rpc-url", rpc]);
        assert!(!success);
        assert!(stderr.contains("execution reverted"), "{stderr}");
        assert!(stderr.contains(&data), "{stderr}");
        let decoded = ok(&["decode-error", "--sig", "Refused(uint256,address)", &data]);
        assert!(decoded.starts_with('7'), "{decoded}");

        ok(&["send", "--rpc-url", rpc, "--private-key", &key, &contract]);
        let logs = ok(&[
            "logs",
            "--rpc-url",
            rpc,
            "--address",
            &contract,
            "Ping()",
            "--from-block",
            "0",
        ]);
        assert!(logs.contains(&topic), "{logs}");
    })
    .await;
    node.stop().await;
    result.unwrap();
}
