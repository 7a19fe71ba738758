// The recsys4j serving page: plain JavaScript against the server's own REST API, no build step.
"use strict";

const model = document.documentElement.dataset.model || "retrieval";
const $ = (id) => document.getElementById(id);

async function call(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) {
    throw new Error(json.error || ("HTTP " + response.status));
  }
  return json;
}

function say(text, isError) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

function fill(list, results, onClick) {
  list.replaceChildren();
  for (const r of results) {
    const li = document.createElement("li");
    li.dataset.id = r.id;
    const a = document.createElement("a");
    // the catalog's label (a title) where the bundle has one, else the id itself
    a.textContent = r.label || r.id;
    a.addEventListener("click", () => onClick(r.id));
    const score = document.createElement("span");
    score.className = "score";
    score.textContent = r.score.toFixed(4);
    li.append(a, score);
    list.append(li);
  }
}

async function recommend(user) {
  const k = parseInt($("k").value, 10) || 10;
  try {
    const answer = await call("/v1/models/" + model + ":recommend", {
      query: { [queryFeature]: user },
      k: k,
      exclude_seen: $("exclude-seen").checked,
    });
    $("recommendations-title").textContent = "Recommendations for user " + user
      + (answer.query_known ? "" : " (unknown user: the out-of-vocabulary row's)")
      + ", version " + answer.model_spec.version;
    fill($("recommendations"), answer.recommendations, similar);
    say("");
  } catch (e) {
    say(e.message, true);
  }
}

async function similar(item) {
  const k = parseInt($("k").value, 10) || 10;
  try {
    const answer = await call("/v1/models/" + model + ":similar", { item: item, k: k });
    $("similar-title").textContent = "Similar to " + (answer.item_label || item);
    fill($("similar"), answer.similar, similar);
    say("");
  } catch (e) {
    say(e.message, true);
  }
}

let queryFeature = "user_id";

async function start() {
  const params = new URLSearchParams(window.location.search);
  try {
    const meta = await call("/v1/models/" + model + "/metadata");
    const r = meta.metadata.recsys4j;
    const inputs = Object.keys(meta.metadata.signature_def.signature_def.serving_default.inputs);
    queryFeature = inputs[0];
    $("model-name").textContent = meta.model_spec.name;
    $("model-info").textContent = "Version " + meta.model_spec.version + ": " + r.index.candidates
      + " candidates (" + r.index.kind.replace("_", " ") + " index), trained on "
      + ((r.provenance && r.provenance.dataset) || "unknown data") + " by "
      + ((r.provenance && r.provenance.backend) || "an unknown trainer")
      + (r.seen_items.available ? "; seen items available" : "");
    $("provenance").textContent = JSON.stringify({ version: meta.model_spec.version,
      provenance: r.provenance, training: r.training, index: r.index, loaded_at: r.loaded_at }, null, 2);
    $("exclude-seen").disabled = !r.seen_items.available;
    for (const q of r.example_queries) {
      const option = document.createElement("option");
      option.value = q;
      $("users").append(option);
    }
  } catch (e) {
    say("The model is not available: " + e.message, true);
    return;
  }
  $("user-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const user = $("user").value.trim();
    if (user) {
      history.replaceState(null, "", "?user=" + encodeURIComponent(user));
      recommend(user);
    }
  });
  if (params.get("k")) {
    $("k").value = params.get("k");
  }
  if (params.get("user")) {
    $("user").value = params.get("user");
    await recommend(params.get("user"));
  }
  if (params.get("item")) {
    await similar(params.get("item"));
  }
  document.body.dataset.ready = "true";
}

start();
