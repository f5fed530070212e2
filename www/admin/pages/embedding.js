// Integrations → Embedding: the script tag with this account's embed key,
// the call that shows a campaign, both ready to copy, and the allowed
// domains: which websites may use the key.
import { api, listAll } from "../api.js";
import { h, replace } from "../dom.js";
import { badge, busy, clearErrors, confirmDialog, copyButton, field, formError, renderCall, scriptJson, showError, toast } from "../ui.js";

// embed/js/stub.js, which the browser tests compare with it.
const STUB = "window.renderAdact=window.renderAdact||function(o){var a=arguments,s=document.currentScript,h,n;(renderAdact.q=renderAdact.q||[]).push(a);try{if(s&&!s.src&&!(o&&o.container)){h=document.createElement(\"adact-campaign\");try{n=JSON.parse(localStorage.getItem(\"adact:none\"))}catch(e){}if(!(n&&n[o&&o.segment||o]>Date.now()))h.style.cssText=\"display:block;min-height:\"+(innerWidth>400?600:580)+\"px\";s.after(h);a.s=s;a.h=h}}catch(e){}}";

export async function render({ account, url, setQuery }) {
  let [domains, segments] = await Promise.all([
    api.get("/api/v1/account/allowed-domains").then((r) => r.domains),
    listAll("/api/v1/segments"),
  ]);
  // The wasm's preload, the queue stub (embed/js/stub.js, as it is) and the
  // async tag: the page never waits for Adact, each call keeps the card's
  // place and room, and the wasm downloads beside embed.js.
  const scriptTag = `<link rel="preload" href="${location.origin}/embed.wasm" as="fetch" crossorigin>
<script>${STUB}</script>
<script async src="${location.origin}/embed.js?key=${encodeURIComponent(account.embed_key)}"></script>`;
  const types = `${location.origin}/embed.d.ts`;

  // ---- the segment the snippets name ---------------------------------------------
  // The one in the address (?segment=seg_…), else the guide's example, else the first.
  const chosen = () => segments.find((s) => s.id === url.searchParams.get("segment"))
    ?? segments.find((s) => s.title === "Default Users") ?? segments[0] ?? null;
  let segment = chosen();
  const title = () => segment?.title ?? "Default Users";
  const call = () => renderCall(title());
  const withUser = () => `window.renderAdact({
  segment: ${scriptJson(title())},
  container: '#promo',
  user: {id: 'customer-42', email: 'ada@example.com', name: 'Ada'},
  locale: 'de',
  onEvent: (event) => console.log(event.type, event),
});`;

  /** A card with a snippet to copy; `text` is read when painted and when copied. */
  const snippet = (id, heading, text, description, copyLabel, copied, extra = null) => {
    const code = h("code", null, text());
    const card = h("section", { class: "card", "aria-labelledby": id },
      h("div", { class: "card-header card-header-row" },
        h("div", null, h("h2", { id }, heading), h("p", { class: "muted" }, description)),
        copyButton(text, copyLabel, copied)),
      extra,
      h("pre", { class: "code", tabindex: "0", role: "group", "aria-labelledby": id, "data-snippet": id }, code));
    card.repaint = () => { code.textContent = text(); };
    return card;
  };

  const picker = segments.length > 0 && h("select", { name: "segment" },
    segments.map((s) => h("option", { value: s.id, selected: s === segment }, s.title)));
  const pickerField = picker && h("div", { class: "segment-picker" },
    field({ name: "segment", label: "Segment", input: picker, hint: "The segment whose campaign this page shows. The snippets below follow it." }));
  const callCard = snippet("render-call", "2. Show a campaign", () => `<script>${call()}</script>`,
    "Call renderAdact where the campaign should appear, with a segment's title.", "Copy call", "The renderAdact call copied", pickerField);
  const optionsCard = snippet("render-options", "Options", withUser, "container: a CSS selector or an element to render into; user: the player as your site knows them (with no user, the player stays anonymous); locale: the language of the buttons and messages (en, de, fr, es; else the page's own); onEvent: each event as it happens in the page.", "Copy example", "Example copied");
  picker?.addEventListener("change", () => {
    segment = segments.find((s) => s.id === picker.value) ?? segment;
    setQuery({ segment: segment.id });
    callCard.repaint();
    optionsCard.repaint();
  });

  // ---- allowed domains ------------------------------------------------------------
  const domainsSlot = h("div");
  const input = h("input", { type: "text", name: "domain", inputmode: "url", autocomplete: "off", spellcheck: "false", placeholder: "shop.example.com" });
  const addButton = h("button", { type: "submit", class: "btn btn-secondary" }, "Add domain");
  // Errors name the new entry, domains[n]: they show at this field.
  const addField = field({ name: "domains", label: "Add a domain", input, hint: "An origin (https://shop.example.com), a host (shop.example.com) or its subdomains (*.example.com)." });
  const inputRow = h("div", { class: "input-row" });
  input.replaceWith(inputRow);
  inputRow.append(input, addButton);
  const addForm = h("form", { class: "domain-add", novalidate: true, "aria-label": "Add an allowed domain" }, formError(), addField);

  /** Saves the whole list; the server answers it normalised. */
  async function save(next) {
    domains = (await api.put("/api/v1/account/allowed-domains", { domains: next })).domains;
    paintDomains();
  }

  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(addForm);
    const value = input.value.trim();
    if (!value) return showError(addForm, { field: "domains", message: "Type a domain to add." });
    await busy(addButton, async () => {
      try {
        await save([...domains, value]);
      } catch (error) {
        return showError(addForm, error);
      }
      input.value = "";
      toast(domains.length === 1
        ? `Only ${domains[0]} can show your campaigns now.`
        : "Allowed domain added.");
      input.focus();
    });
  });

  async function remove(domain, button) {
    if (domains.length === 1) {
      const ok = await confirmDialog({
        title: "Let every website show your campaigns?",
        message: `${domain} is the last allowed domain. Without it the list is empty, and any website can use your embed key.`,
        confirm: "Remove and allow all",
        danger: true,
      });
      if (!ok) return;
    }
    await busy(button, async () => {
      try {
        await save(domains.filter((d) => d !== domain));
      } catch (error) {
        return toast(error.message, { kind: "error" });
      }
      toast(domains.length === 0 ? "No allowed domains: any website can show your campaigns." : `${domain} removed.`);
      input.focus();
    });
  }

  function paintDomains() {
    replace(domainsSlot,
      h("div", { class: "domains-state", role: "status" },
        domains.length === 0
          ? [badge("Any website", "warning"), h("span", null, "The list is empty, so every website can show your campaigns with this key.")]
          : [badge(`${domains.length} allowed`, "success"), h("span", null, "Only pages on these domains can show your campaigns.")]),
      domains.length > 0 && h("ul", { class: "domain-list", "aria-label": "Allowed domains" },
        domains.map((domain) => {
          const button = h("button", { type: "button", class: "btn btn-small btn-danger", "aria-label": `Remove ${domain}` }, "Remove");
          button.addEventListener("click", () => remove(domain, button));
          return h("li", { "data-domain": domain }, h("code", { class: "break" }, domain), button);
        })));
  }
  paintDomains();

  const node = h("div", { class: "page" },
    h("div", { class: "page-header" },
      h("p", { class: "breadcrumb" }, "Integrations"),
      h("h1", null, "Embedding"),
      h("p", { class: "lead" }, "Show your campaigns on any website with one script tag and one call.")),
    segments.length === 0 && h("div", { class: "alert alert-warning", role: "status" },
      h("strong", null, "No segment yet. "), "The call below names a segment: ",
      h("a", { href: "/admin/segments" }, "create one in Segments"), " so it has a campaign to show."),
    h("ol", { class: "steps" },
      h("li", null, snippet("script-tag", "1. The script tag", () => scriptTag, "Paste it into the <head> of every page that shows a campaign: it never makes the page wait.", "Copy script tag", "Script tag copied")),
      h("li", null, callCard),
      h("li", null, optionsCard),
      h("li", null, snippet("types", "TypeScript", () => `curl -o src/adact.d.ts ${types}`,
        ["In a typed front-end, the declarations of renderAdact, its options, the campaign it returns and each onEvent event give completion and errors: save ",
          h("a", { href: types, "data-types": "" }, "embed.d.ts"), " in your project."],
        "Copy command", "Command copied"))),
    h("section", { class: "card", "aria-labelledby": "domains-title" },
      h("div", { class: "card-header" },
        h("h2", { id: "domains-title" }, "Allowed domains"),
        h("p", { class: "muted" }, "The websites that may use your embed key.")),
      h("div", { class: "grid-2 domains" },
        h("div", { class: "stack-tight" }, domainsSlot, addForm),
        h("div", { class: "rules" },
          h("h3", null, "How the list works"),
          h("ul", null,
            h("li", null, h("strong", null, "Empty: "), "any website can show your campaigns. This is the default."),
            h("li", null, h("strong", null, "Not empty: "), "Adact answers only pages whose address matches a rule. Others get ",
              h("code", null, "403 origin_not_allowed"), ": the script loads but shows nothing, and warns in the browser console. ",
              "Calls with no Origin header, such as from a server, are refused too."),
            h("li", null, h("code", null, "https://shop.example.com"), " allows that origin exactly: scheme, host and port."),
            h("li", null, h("code", null, "shop.example.com"), " allows that host with any scheme or port."),
            h("li", null, h("code", null, "*.example.com"), " allows its subdomains, such as www.example.com, but not example.com itself."),
            h("li", null, "This server's own pages count as websites too: list ", h("code", { class: "break" }, location.origin),
              " to keep its demo page working. The console's preview does not use the list."))))),
    h("section", { class: "card card-muted", "aria-labelledby": "key-title" },
      h("h2", { id: "key-title" }, "Embed key"),
      h("p", null, "The key in the script tag is public: it only lets a page show and play this account's active campaigns."),
      h("dl", { class: "facts" },
        h("div", null, h("dt", null, "Account"), h("dd", null, account.name)),
        h("div", null, h("dt", null, "Embed key"), h("dd", { class: "mono" }, account.embed_key)))));
  return { node };
}
