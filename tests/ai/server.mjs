#!/usr/bin/env node
// An OpenAI-compatible model service for the tests (Node.js only, no packages).
//
//   node tests/ai/server.mjs [--port N] [--host H] [--key KEY] [--log FILE] [--dim N]
//                            [--slow-ms MS] [--huge-bytes N]
//
//   --port N        port to listen on (default 0: any free port); the port is printed
//                   alone on the first line of standard output once listening
//   --host H        address (default 127.0.0.1)
//   --key KEY       every request must carry "Authorization: Bearer KEY", else 401
//   --log FILE      append every request as one JSON line: method, path, headers (the
//                   Authorization value replaced by "[present]"), body (parsed when JSON)
//   --dim N         size of the embedding vectors (default 64)
//   --slow-ms MS    how long the "slow" model waits before answering (default 5000)
//   --huge-bytes N  size of the "huge" model's reply (default 6 MiB)
//
// Routes: GET /v1/models, POST /v1/chat/completions (whole, or "stream": true as
// server-sent events), POST /v1/embeddings. The model name chooses what happens (the
// header X-Test-Mode, when given, overrides it):
//
//   chat, embed, echo (and any name given with --models a,b)   work normally
//   echo          answers with the last user message
//   busy          429 with Retry-After: 1 the first time for each path, then works
//                 (busy-N: N times); POST /__reset starts counting again
//   broken        always 500 with an error message
//   slow          waits --slow-ms before answering
//   cut           stream: a few pieces, then the connection is dropped;
//                 whole: half the JSON, then the connection is dropped
//   cut-clean     stream: a few pieces, then the stream ends without [DONE] or finish_reason
//   stream-error  stream: a few pieces, then an event holding an error object
//   badjson       a reply that is not JSON (whole), a piece that is not JSON (stream)
//   huge          a reply of --huge-bytes bytes
//   no-json-mode  400 when response_format is asked for
//   embed-short   embeddings: one vector fewer than texts
//   anything else 404 "model not found"
//
// The text of the next chat replies can be set by a test: POST /__next with the text as
// the body (or a JSON array of texts, queued in order). Otherwise a reply is "ok", and
// the echo model repeats the last user message. Embeddings are a hashed bag of words,
// normalised: texts sharing words have close vectors; the same text, the same vector.
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";

const opt = { port: 0, host: "127.0.0.1", key: "", log: "", dim: 64, slowMs: 5000, hugeBytes: 6 << 20, models: "" };
for (let i = 2; i < process.argv.length; i++) {
	const a = process.argv[i], v = process.argv[i + 1];
	const take = () => { i++; if (v === undefined) { console.error(`${a} needs a value`); process.exit(2); } return v; };
	if (a === "--port") opt.port = Number(take());
	else if (a === "--host") opt.host = take();
	else if (a === "--key") opt.key = take();
	else if (a === "--log") opt.log = take();
	else if (a === "--dim") opt.dim = Number(take());
	else if (a === "--slow-ms") opt.slowMs = Number(take());
	else if (a === "--huge-bytes") opt.hugeBytes = Number(take());
	else if (a === "--models") opt.models = take();
	else { console.error(`unknown option ${a}`); process.exit(2); }
}

const working = new Set(["chat", "embed", "echo", ...opt.models.split(",").filter(Boolean)]);
const special = ["busy", "broken", "slow", "cut", "cut-clean", "stream-error", "badjson", "huge", "no-json-mode", "embed-short"];
const failures = new Map(); // "busy:/v1/chat/completions" -> times failed
let next = [];

function modeOf(model, req) {
	const m = req.headers["x-test-mode"] || model || "";
	if (/^busy(-\d+)?$/.test(m)) return m;
	if (special.includes(m) || working.has(m)) return m;
	return "unknown";
}

function send(res, status, obj, headers = {}) {
	const body = typeof obj === "string" ? obj : JSON.stringify(obj);
	res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), ...headers });
	res.end(body);
}

const error = (message, type, code) => ({ error: { message, type, code } });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fnv(s) {
	let h = 0x811c9dc5;
	for (const ch of Buffer.from(s)) h = Math.imul(h ^ ch, 0x01000193) >>> 0;
	return h;
}

function embed(text) {
	const v = new Array(opt.dim).fill(0);
	const words = String(text).toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
	for (const w of words) {
		const h = fnv(w);
		v[h % opt.dim] += (h >>> 31) ? -1 : 1;
	}
	const norm = Math.hypot(...v);
	if (!norm) { v[0] = 1; return v; }
	return v.map((x) => x / norm);
}

function replyText(body, mode) {
	if (next.length) return next.shift();
	if (mode === "echo") {
		const users = (body.messages || []).filter((m) => m.role === "user");
		return users.length ? String(users[users.length - 1].content) : "";
	}
	if (mode === "huge") return "x".repeat(opt.hugeBytes);
	return "ok";
}

// Pieces of about three characters (whole code points), so streams have many events.
function pieces(text) {
	const cps = Array.from(text), out = [];
	for (let i = 0; i < cps.length; i += 3) out.push(cps.slice(i, i + 3).join(""));
	return out;
}

const chunk = (model, delta, finish = null, extra = {}) =>
	({ id: "chatcmpl-test", object: "chat.completion.chunk", created: 0, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra });

async function chat(req, res, body, mode) {
	const model = body.model;
	if (mode === "no-json-mode" && body.response_format)
		return send(res, 400, error("response_format is not supported", "invalid_request_error"));
	const text = replyText(body, mode);
	if (!body.stream) {
		if (mode === "badjson") {
			res.writeHead(200, { "Content-Type": "application/json" });
			return res.end('{"choices": [{"message": {"content": "ok"');
		}
		const full = JSON.stringify({
			id: "chatcmpl-test", object: "chat.completion", created: 0, model,
			choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
			usage: { prompt_tokens: 7, completion_tokens: pieces(text).length, total_tokens: 7 + pieces(text).length },
		});
		if (mode === "cut") {
			res.writeHead(200, { "Content-Type": "application/json", "Content-Length": full.length });
			res.write(full.slice(0, full.length >> 1));
			return setTimeout(() => res.socket.destroy(), 50);
		}
		return send(res, 200, full);
	}
	res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
	// Events are written split across network writes, with LF and CRLF line ends and comments.
	const write = async (s) => { res.write(s); await sleep(2); };
	await write(": keep-alive\n\n");
	await write(`data: ${JSON.stringify(chunk(model, { role: "assistant", content: "" }))}\n\n`);
	const parts = pieces(text);
	const stopAt = mode === "cut" || mode === "cut-clean" || mode === "stream-error" || mode === "badjson" ? Math.min(2, parts.length) : parts.length;
	if (mode === "huge") {
		// big pieces, quickly
		for (let i = 0; i < text.length; i += 65536)
			res.write(`data: ${JSON.stringify(chunk(model, { content: text.slice(i, i + 65536) }))}\n\n`);
	} else {
		for (let i = 0; i < stopAt; i++) {
			const ev = `data: ${JSON.stringify(chunk(model, { content: parts[i] }))}${i % 2 ? "\r\n\r\n" : "\n\n"}`;
			const cut = Math.max(1, ev.length >> 1);
			await write(ev.slice(0, cut));
			await write(ev.slice(cut));
			if (i % 3 === 2) await write(": still here\n\n");
		}
	}
	if (mode === "cut") { await sleep(20); return res.socket.destroy(); }
	if (mode === "cut-clean") return res.end();
	if (mode === "stream-error") {
		await write(`data: ${JSON.stringify({ error: { message: "the model crashed while writing", type: "server_error" } })}\n\n`);
		return res.end();
	}
	if (mode === "badjson") { await write("data: {\"choices\": [oops\n\n"); return res.end(); }
	await write(`data: ${JSON.stringify(chunk(model, {}, "stop"))}\n\n`);
	await write(`data: ${JSON.stringify({ ...chunk(model, {}), choices: [], usage: { prompt_tokens: 7, completion_tokens: parts.length, total_tokens: 7 + parts.length } })}\n\n`);
	await write("data: [DONE]\n\n");
	res.end();
}

function embeddings(req, res, body, mode) {
	const input = Array.isArray(body.input) ? body.input : [body.input];
	if (mode === "badjson") { res.writeHead(200, { "Content-Type": "application/json" }); return res.end("{\"data\": [1, 2"); }
	let data = input.map((t, i) => ({ object: "embedding", index: i, embedding: embed(t) }));
	if (mode === "embed-short") data = data.slice(1);
	if (mode === "huge") data = [{ object: "embedding", index: 0, embedding: new Array(opt.hugeBytes >> 2).fill(0.125) }];
	// in reverse order, with their indexes: clients must sort
	data.reverse();
	send(res, 200, { object: "list", data, model: body.model, usage: { prompt_tokens: input.length, total_tokens: input.length } });
}

async function handle(req, res, raw) {
	const url = new URL(req.url, "http://x");
	const path = url.pathname;
	let body = null;
	try { body = raw.length ? JSON.parse(raw) : null; } catch { body = raw.toString(); }
	if (opt.log) {
		const headers = { ...req.headers };
		if (headers.authorization !== undefined) headers.authorization = "[present]";
		appendFileSync(opt.log, JSON.stringify({ method: req.method, path, headers, body }) + "\n");
	}
	if (path === "/__next" && req.method === "POST") {
		const t = raw.toString();
		let add;
		try { const j = JSON.parse(t); add = Array.isArray(j) ? j.map(String) : [typeof j === "string" ? j : t]; } catch { add = [t]; }
		next.push(...add);
		return send(res, 200, { queued: next.length });
	}
	if (path === "/__reset" && req.method === "POST") { next = []; failures.clear(); return send(res, 200, { ok: true }); }
	if (opt.key && req.headers.authorization !== `Bearer ${opt.key}`)
		return send(res, 401, error("Incorrect API key provided", "invalid_request_error", "invalid_api_key"));
	if (path === "/v1/models" && req.method === "GET") {
		const ids = [...working, ...special];
		return send(res, 200, { object: "list", data: ids.map((id) => ({ id, object: "model", owned_by: "test" })) });
	}
	const isChat = path === "/v1/chat/completions", isEmbed = path === "/v1/embeddings";
	if (!(isChat || isEmbed) || req.method !== "POST") return send(res, 404, error(`no route ${req.method} ${path}`, "not_found"));
	if (!body || typeof body !== "object") return send(res, 400, error("the body is not JSON", "invalid_request_error"));
	const mode = modeOf(body.model, req);
	if (mode === "unknown") return send(res, 404, error(`The model '${body.model}' does not exist`, "invalid_request_error", "model_not_found"));
	const busy = /^busy(?:-(\d+))?$/.exec(mode);
	if (busy) {
		const k = `${mode}:${path}`, n = failures.get(k) || 0;
		if (n < Number(busy[1] || 1)) {
			failures.set(k, n + 1);
			return send(res, 429, error("Rate limit reached, slow down", "rate_limit_error"), { "Retry-After": "1" });
		}
	}
	if (mode === "broken") return send(res, 500, error("the model is broken", "server_error"));
	if (mode === "slow") await sleep(opt.slowMs);
	if (res.destroyed) return;
	return isChat ? chat(req, res, body, mode) : embeddings(req, res, body, mode);
}

const server = createServer((req, res) => {
	const parts = [];
	req.on("data", (d) => parts.push(d));
	req.on("end", () => handle(req, res, Buffer.concat(parts)).catch((e) => { try { send(res, 500, error(String(e), "server_error")); } catch { /* gone */ } }));
	req.on("error", () => {});
});
server.listen(opt.port, opt.host, () => { process.stdout.write(`${server.address().port}\n`); });
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => process.exit(0));
