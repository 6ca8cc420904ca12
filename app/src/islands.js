// Islands mode: loads the wasm only on a page that has an island, hydrates
// each outermost island, then marks <html data-hydrated="true"> (the sign
// end-to-end tests wait for). A page without islands is plain HTML: nothing
// is downloaded and it is ready at once. `bundles` names, per island, the
// wasm built for its page (app/build.rs, scripts/bundles): a page
// whose islands are all in one bundle loads that file only, any other the
// whole wasm (`js`, `wasm`).
((js, wasm, bundles) => {
  const root = document.documentElement;
  // 打印 needs no wasm (inside an island, the island's own handler prints).
  for (const b of document.querySelectorAll("button[data-print]")) {
    if (!b.closest("leptos-island")) b.addEventListener("click", () => window.print());
  }
  // What a plain post came back with is read out: its confirmation
  // (`.flash`), or its refusal: a form's error summary, else the field it
  // refused, else the message where the page begins (the address carries
  // `__err`). A screen reader
  // does not announce a live region already there when the page loads, so
  // focus moves to it, as GOV.UK's notification banners do, unless
  // something has focus already.
  const refused = new URLSearchParams(location.search).has("__err");
  const said =
    document.querySelector("main .flash") ||
    (refused &&
      (document.querySelector("main .error-summary") ||
        document.querySelector("main [aria-invalid=true]") ||
        document.querySelector("main [role=alert]:not([hidden])")));
  if (said && document.activeElement === document.body) {
    if (!said.matches("input, textarea, select")) said.tabIndex = -1;
    said.focus();
  }
  // A plain form's field with a `data-message` (outside islands): the
  // browser checks its constraints (required, pattern) before sending, and
  // the message shows under the field, as an island shows it, instead of the
  // browser's bubble (the page may have rendered it there, with its help
  // link, hidden).
  // Other descriptions of the field (a note that it holds a text the
  // server refused before) stay.
  for (const input of document.querySelectorAll("[data-message]")) {
    const note = document.getElementById(`${input.id}-msg`);
    if (!note) continue;
    const others = () =>
      (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== note.id);
    const describe = (ids) =>
      ids.length ? input.setAttribute("aria-describedby", ids.join(" ")) : input.removeAttribute("aria-describedby");
    input.addEventListener("invalid", (e) => {
      e.preventDefault();
      if (!note.textContent.trim()) note.textContent = input.dataset.message;
      note.hidden = false;
      input.setAttribute("aria-invalid", "true");
      describe([note.id, ...others()]);
      input.focus();
    });
    input.addEventListener("input", () => {
      note.hidden = true;
      input.removeAttribute("aria-invalid");
      describe(others());
    });
  }
  // A plain post (outside islands) is sent once: its buttons are disabled
  // once the browser has taken the form (a double click would send a
  // second, stale post). A page shown again from the history is usable.
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (e.defaultPrevented || form.method !== "post" || form.closest("leptos-island")) return;
    setTimeout(() => {
      for (const b of form.querySelectorAll("button")) b.disabled = true;
    });
  });
  window.addEventListener("pageshow", (e) => {
    if (!e.persisted) return;
    for (const b of document.querySelectorAll("form button:disabled")) {
      if (!b.closest("leptos-island")) b.disabled = false;
    }
  });
  const islands = [...document.querySelectorAll("leptos-island")].filter(
    (el) => !el.parentElement.closest("leptos-island"),
  );
  if (islands.length === 0) {
    root.dataset.hydrated = "true";
    return;
  }
  // An island's element names it with a hash: "LoginForm_1467…".
  const wanted = new Set(
    islands.map((el) => {
      const name = el.dataset.component.replace(/_\d+$/, "");
      return Object.hasOwn(bundles, name) ? bundles[name] : undefined;
    }),
  );
  const [bundle] = wanted;
  // A link that saves the draft before it goes (`data-saves-draft`) can only
  // do so once its island is live: until then, with something typed, it
  // waits rather than lose the typing.
  let typed = false;
  document.addEventListener("input", (e) => {
    if (e.target.closest?.("leptos-island")) typed = true;
  }, true);
  document.addEventListener("click", (e) => {
    if (typed && root.dataset.hydrated !== "true" && e.target.closest?.("a[data-saves-draft]")) {
      e.preventDefault();
    }
  }, true);
  const load = async (js, wasm) => {
    const mod = await import(js);
    await mod.default({ module_or_path: wasm });
    return mod;
  };
  // The page's bundle; the whole wasm where there is none, or where it
  // cannot be loaded or lacks one of the page's islands.
  const chosen = async () => {
    if (wanted.size === 1 && bundle) {
      const base = js.replace(/\.js$/, `-${bundle}`);
      try {
        const mod = await load(`${base}.js`, `${base}.wasm`);
        if (islands.every((el) => mod[el.dataset.component])) return mod;
      } catch (e) {
        console.warn(`the bundle ${bundle} did not load; loading the whole wasm`, e);
      }
    }
    return load(js, wasm);
  };
  chosen().then(async (mod) => {
    mod.hydrate();
    for (const el of islands) {
      const hydrate = mod[el.dataset.component];
      if (hydrate) {
        await hydrate(el);
      } else {
        console.error(`no wasm function for the island ${el.dataset.component}`);
      }
    }
    root.dataset.hydrated = "true";
  });
})
