// Islands mode: loads the wasm only on a page that has an island, hydrates
// each outermost island, then marks <html data-hydrated="true"> (the sign
// end-to-end tests wait for). A page without islands is plain HTML: nothing
// is downloaded and it is ready at once. Each island's code is its own file
// (lazy islands, split by cargo-leptos --split), fetched when it hydrates.
((js, wasm) => {
  const root = document.documentElement;
  // 打印 needs no wasm (inside an island, the island's own handler prints).
  for (const b of document.querySelectorAll("button[data-print]")) {
    if (!b.closest("leptos-island")) b.addEventListener("click", () => window.print());
  }
  const islands = [...document.querySelectorAll("leptos-island")].filter(
    (el) => !el.parentElement.closest("leptos-island"),
  );
  if (islands.length === 0) {
    root.dataset.hydrated = "true";
    return;
  }
  import(js).then(async (mod) => {
    await mod.default({ module_or_path: wasm });
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
