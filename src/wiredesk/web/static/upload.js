// Upload: post the files/text, then poll the job until it is done.
(function () {
  "use strict";
  const form = document.getElementById("upload");
  const box = document.getElementById("job");
  const stage = document.getElementById("stage");
  const bar = document.getElementById("bar");
  const counts = document.getElementById("counts");
  const errors = document.getElementById("errors");
  const done = document.getElementById("done");
  const summary = document.getElementById("summary");

  function show(job) {
    stage.textContent = job.stage;
    const total = job.total || 1;
    bar.max = total; bar.value = Math.min(job.done, total);
    counts.textContent = job.total ? `${job.done} / ${job.total}` : "";
    errors.innerHTML = "";
    for (const e of job.errors) { const li = document.createElement("li"); li.textContent = e; errors.appendChild(li); }
    if (job.state === "done" || job.state === "failed") {
      bar.value = bar.max;
      done.hidden = job.state !== "done";
      summary.textContent = `${job.documents} documents, ${job.events} events in the store`;
      box.dataset.state = job.state;
      return true;
    }
    return false;
  }

  form.addEventListener("submit", async e => {
    e.preventDefault();
    box.hidden = false; done.hidden = true; delete box.dataset.state;
    const r = await fetch("/api/uploads", { method: "POST", body: new FormData(form) });
    const job = await r.json();
    if (!r.ok) { stage.textContent = "rejected: " + JSON.stringify(job.detail); return; }
    show(job);
    const timer = setInterval(async () => {
      const s = await fetch("/api/uploads/" + job.id);
      if (s.ok && show(await s.json())) clearInterval(timer);
    }, 500);
  });
})();
