// Time to first token of /ask/stream: a model service (here, in this process) sends the first
// piece of its answer, then pauses; the time until this SSE client reads that piece from
// Asurif's stream is measured on one clock (this process's).
//   node bench/ask.mjs BASE_URL LOGIN PASSWORD RUNS PORTFILE
// Writes the model's port to PORTFILE once listening (the caller points the workspace at it),
// waits for PORTFILE.go, then prints one JSON line: {runs, median_ms, p95_ms, max_ms}.
import { createServer } from 'node:http';
import { writeFileSync, existsSync } from 'node:fs';

const [base, login, password, runsArg, portFile] = process.argv.slice(2);
const runs = Number(runsArg || 50);
const now = () => Number(process.hrtime.bigint()) / 1e6;
let sentAt = 0;
const chunk = (content) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }], model: 'bench' })}\n\n`;

const model = createServer((req, res) => {
	req.resume();
	req.on('end', () => {
		res.writeHead(200, { 'Content-Type': 'text/event-stream' });
		res.write(chunk(''));
		setTimeout(() => {
			sentAt = now();
			res.write(chunk('Premier'));
			setTimeout(() => {
				res.write(chunk(' mot [1].'));
				res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
				res.end('data: [DONE]\n\n');
			}, 300);
		}, 20);
	});
});
await new Promise((r) => model.listen(0, '127.0.0.1', r));
writeFileSync(portFile, `${model.address().port}\n`);
while (!existsSync(`${portFile}.go`)) await new Promise((r) => setTimeout(r, 50));

// Signing in as a person does: the form's token, then the session cookie.
const cookies = new Map();
const keep = (res) => {
	for (const c of res.headers.getSetCookie()) {
		const [kv] = c.split(';');
		const i = kv.indexOf('=');
		cookies.set(kv.slice(0, i), kv.slice(i + 1));
	}
};
const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
let r = await fetch(`${base}/signin`);
keep(r);
const csrf = /name="csrf" value="([^"]+)"/.exec(await r.text())[1];
r = await fetch(`${base}/signin`, {
	method: 'POST', redirect: 'manual', headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
	body: new URLSearchParams({ csrf, login, password }),
});
keep(r);
if (!cookies.has('asurif_session')) throw new Error(`sign-in failed (${r.status})`);

const times = [];
for (let i = 0; i < runs; i++) {
	const res = await fetch(`${base}/ask/stream?q=${encodeURIComponent('délais de paiement des coopératives')}`, { headers: { cookie: cookieHeader() } });
	const reader = res.body.getReader();
	const dec = new TextDecoder();
	let buf = '', got = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		buf += dec.decode(value, { stream: true });
		if (!got && buf.includes('event: delta\ndata: "Premier"')) {
			got = now();
			times.push(got - sentAt);
		}
	}
	if (!got) throw new Error(`run ${i}: no first piece in ${buf.slice(0, 300)}`);
}
model.close();
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
console.log(JSON.stringify({ runs, median_ms: +q(0.5).toFixed(2), p95_ms: +q(0.95).toFixed(2), max_ms: +times[times.length - 1].toFixed(2) }));
