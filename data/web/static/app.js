/* Asurif: small additions to pages that work without it. Served as a file (no inline script). */
(function () {
	"use strict";
	/* The language menu applies as soon as it changes. */
	document.querySelectorAll("form.lang select").forEach(function (sel) {
		sel.addEventListener("change", function () { sel.form.submit(); });
		var button = sel.form.querySelector("button");
		if (button) button.classList.add("visually-hidden");
	});
	/* An error summary takes the focus, so screen readers announce it. */
	var summary = document.querySelector(".error-summary");
	if (summary) summary.focus();
	/* Typing paper sheets in: straight back to the field to correct, for a typist at the keyboard. */
	var entry = document.querySelector("form.entry-form");
	if (entry) {
		var wrong = entry.querySelector("[aria-invalid=true]") || entry.querySelector("[autofocus]");
		if (wrong) {
			wrong.focus();
			if (wrong.select) wrong.select();
		}
	}
	/* Buttons that remove something ask first. */
	document.querySelectorAll("[data-confirm]").forEach(function (el) {
		el.addEventListener("click", function (ev) {
			if (!window.confirm(el.getAttribute("data-confirm"))) ev.preventDefault();
		});
	});
	/* Adding documents: one request per file, each with its own progress bar and outcome. */
	var form = document.getElementById("upload-form");
	if (form && window.XMLHttpRequest && window.FormData) {
		var live = document.getElementById("upload-live");
		var input = form.querySelector("input[type=file]");
		var csrf = form.querySelector("input[name=csrf]").value;
		var text = function (key, values) {
			var s = form.getAttribute("data-" + key) || "";
			return s.replace(/\{(\w+)\}/g, function (all, name) {
				return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
			});
		};
		var el = function (tag, cls, content) {
			var e = document.createElement(tag);
			if (cls) e.className = cls;
			if (content !== undefined) e.textContent = content;
			return e;
		};
		var problem = function (status) {
			if (status === 413) return text("too-large");
			if (status === 403) return text("expired");
			if (status === 401) return text("forbidden");
			return text("server");
		};
		form.addEventListener("submit", function (ev) {
			ev.preventDefault();
			var files = Array.prototype.slice.call(input.files || []);
			live.textContent = "";
			if (!files.length) {
				live.appendChild(el("p", "field-error", text("none")));
				input.focus();
				return;
			}
			var button = form.querySelector("button[type=submit]");
			button.disabled = true;
			var list = el("ul", "upload-list");
			live.appendChild(list);
			var counts = { added: 0, duplicates: 0, failed: 0 };
			var rows = files.map(function (f) {
				var li = el("li", "upload-item");
				li.appendChild(el("p", "upload-name", f.name));
				var bar = el("progress");
				bar.max = 100;
				bar.value = 0;
				bar.setAttribute("aria-label", text("progress", { name: f.name }));
				li.appendChild(bar);
				var state = el("p", "upload-state", text("progress", { name: f.name }));
				li.appendChild(state);
				list.appendChild(li);
				return { file: f, li: li, bar: bar, state: state };
			});
			var finish = function () {
				button.disabled = false;
				form.reset();
				var sum = el("div", "notice", text("summary", counts));
				sum.setAttribute("role", "status");
				live.insertBefore(sum, list);
			};
			var fail = function (row, message) {
				counts.failed++;
				row.li.className += " is-failed";
				row.state.textContent = text("failed");
				var p = el("p", "field-error");
				var b = el("bdi", null, message);
				b.setAttribute("dir", "auto");
				p.appendChild(b);
				row.li.appendChild(p);
			};
			var next = function (i) {
				if (i >= rows.length) return finish();
				var row = rows[i];
				var data = new FormData();
				data.append("csrf", csrf);
				data.append("files", row.file, row.file.name);
				var xhr = new XMLHttpRequest();
				xhr.open("POST", form.getAttribute("action"));
				xhr.setRequestHeader("Accept", "application/json");
				xhr.setRequestHeader("X-CSRF-Token", csrf);
				xhr.upload.addEventListener("progress", function (e) {
					if (e.lengthComputable) row.bar.value = Math.round((e.loaded * 100) / e.total);
				});
				xhr.addEventListener("load", function () {
					row.bar.value = 100;
					var answer = null;
					try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = null; }
					var doc = answer && answer.documents && answer.documents[0];
					if (!answer && xhr.responseURL && xhr.responseURL.indexOf("/signin") >= 0) {
						fail(row, text("expired"));
					} else if (!doc) {
						fail(row, answer && answer.error ? answer.error : problem(xhr.status));
					} else if (doc.status === "failed") {
						fail(row, doc.error || problem(xhr.status));
					} else {
						if (doc.status === "added") counts.added++; else counts.duplicates++;
						row.state.textContent = text(doc.status === "added" ? "added" : "duplicate") + " — ";
						var a = el("a");
						a.href = "/documents/" + encodeURIComponent(doc.doc_id);
						a.appendChild(el("bdi", null, doc.title || row.file.name));
						row.state.appendChild(a);
					}
					next(i + 1);
				});
				xhr.addEventListener("error", function () {
					fail(row, problem(0));
					next(i + 1);
				});
				xhr.send(data);
			};
			next(0);
		});
	}
	/* Asking: the answer appears as the model writes it (server-sent events read with fetch),
	   with a button that stops it; without this script the form loads the whole answer. */
	var askForm = document.getElementById("ask-form"), askOut = document.getElementById("ask-answer");
	if (askForm && askOut && window.fetch && window.TextDecoder && window.AbortController) {
		askForm.addEventListener("submit", function (ev) {
			var q = askForm.querySelector("[name=q]").value.trim();
			if (!q) return;
			ev.preventDefault();
			var params = new URLSearchParams(new FormData(askForm)).toString();
			var label = function (k) { return askOut.getAttribute("data-" + k) || ""; };
			var el = function (tag, cls, text) {
				var e = document.createElement(tag);
				if (cls) e.className = cls;
				if (text !== undefined) e.textContent = text;
				return e;
			};
			askOut.textContent = "";
			var mark = askOut.appendChild(el("p", "badge ai-mark", label("generated")));
			var text = askOut.appendChild(el("div", "ask-text"));
			text.id = "ask-text";
			text.setAttribute("dir", "auto");
			var status = askOut.appendChild(el("p", "hint ask-status", label("writing")));
			status.setAttribute("role", "status");
			var stop = askOut.appendChild(el("button", "secondary", label("cancel")));
			stop.type = "button";
			stop.id = "ask-cancel";
			var ctl = new AbortController(), finished = false;
			var end = function (msg) {
				finished = true;
				stop.remove();
				status.textContent = msg || "";
				if (!msg) status.remove();
			};
			stop.addEventListener("click", function () { ctl.abort(); end(label("cancelled")); });
			var show = function (name, data) {
				if (name === "delta") {
					text.appendChild(document.createTextNode(JSON.parse(data)));
				} else if (name === "passages") {
					text.setAttribute("lang", JSON.parse(data).lang || "");
					/* the address says the question, so reloading shows the whole answer */
					if (window.history && history.replaceState) history.replaceState(null, "", "/ask?" + params);
				} else if (name === "page" || name === "invalid") {
					finished = true;
					window.location.href = "/ask?" + params;
				} else if (name === "error") {
					end(label("error") + " " + JSON.parse(data).message);
					mark.remove();
				} else if (name === "done") {
					var a = JSON.parse(data), byN = {};
					a.passages.forEach(function (p) { byN[p.n] = p; });
					if (!a.supported) askOut.insertBefore(el("div", "notice warning", label("unsupported")), status);
					var bad = a.citations.filter(function (c) { return !c.valid; });
					if (bad.length) askOut.insertBefore(el("div", "notice warning", label("flagged") + " " + bad.map(function (c) { return "[" + c.n + "]"; }).join(" ")), status);
					var good = a.citations.filter(function (c) { return c.valid && byN[c.n]; });
					if (good.length) {
						askOut.insertBefore(el("h2", "", label("sources")), status);
						var ol = askOut.insertBefore(el("ol", "ask-sources"), status);
						good.forEach(function (c) {
							var p = byN[c.n], li = ol.appendChild(el("li")), link = li.appendChild(el("a", "", "[" + c.n + "] " + p.title));
							link.href = "/documents/" + p.doc_id + "#p" + p.passage_id;
							var more = (p.article ? " — " + p.article : "") + (p.page ? " — " + label("page") + " " + p.page : "");
							if (more) li.appendChild(document.createTextNode(more));
						});
					}
					if (a.output_id) {
						var info = askOut.insertBefore(el("p", "meta-line"), status);
						var d = info.appendChild(el("a", "", label("details")));
						d.href = "/ai/outputs/" + a.output_id;
					}
					end();
				}
			};
			fetch("/ask/stream?" + params, { signal: ctl.signal, headers: { Accept: "text/event-stream" } }).then(function (res) {
				if (!res.ok || !res.body) throw new Error(String(res.status));
				var reader = res.body.getReader(), dec = new TextDecoder(), pending = "";
				var pump = function () {
					return reader.read().then(function (r) {
						if (r.done) { if (!finished) end(); return; }
						pending += dec.decode(r.value, { stream: true });
						var at;
						while ((at = pending.indexOf("\n\n")) >= 0) {
							var block = pending.slice(0, at), name = "message", data = [];
							pending = pending.slice(at + 2);
							block.split("\n").forEach(function (line) {
								if (line.indexOf("event: ") === 0) name = line.slice(7);
								else if (line.indexOf("data: ") === 0) data.push(line.slice(6));
							});
							show(name, data.join("\n"));
						}
						return pump();
					});
				};
				return pump();
			}).catch(function (err) {
				if (!finished && err.name !== "AbortError") end(label("error"));
			});
		});
	}
})();
