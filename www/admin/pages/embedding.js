// Integrations → Embedding: the script tag with this account's embed key,
// and the call that shows a campaign, both ready to copy.
import { h } from "../dom.js";
import { copyButton } from "../ui.js";

export function render({ account }) {
  const scriptTag = `<script src="${location.origin}/embed.js?key=${encodeURIComponent(account.embed_key)}"></script>`;
  const call = "window.renderAdact({segment: 'Default Users'});";
  const withUser = `window.renderAdact({
  segment: 'Default Users',
  container: '#promo',
  user: {id: 'customer-42', email: 'ada@example.com', name: 'Ada'},
});`;

  const snippet = (id, title, text, description, copyLabel, copied) => h("section", { class: "card", "aria-labelledby": id },
    h("div", { class: "card-header card-header-row" },
      h("div", null, h("h2", { id }, title), h("p", { class: "muted" }, description)),
      copyButton(() => text, copyLabel, copied)),
    h("pre", { class: "code", tabindex: "0", role: "group", "aria-labelledby": id, "data-snippet": id }, h("code", null, text)));

  const node = h("div", { class: "page" },
    h("div", { class: "page-header" },
      h("p", { class: "breadcrumb" }, "Integrations"),
      h("h1", null, "Embedding"),
      h("p", { class: "lead" }, "Show your campaigns on any website with one script tag and one call.")),
    h("ol", { class: "steps" },
      h("li", null, snippet("script-tag", "1. The script tag", scriptTag, "Paste it into the <head> of every page that shows a campaign.", "Copy script tag", "Script tag copied")),
      h("li", null, snippet("render-call", "2. Show a campaign", `<script>${call}</script>`, "Call renderAdact where the campaign should appear, with a segment's title.", "Copy call", "The renderAdact call copied")),
      h("li", null, snippet("render-options", "Options", withUser, "container: a CSS selector or an element to render into; user: the player as your site knows them. With no user, the player stays anonymous.", "Copy example", "Example copied"))),
    h("section", { class: "card card-muted", "aria-labelledby": "key-title" },
      h("h2", { id: "key-title" }, "Embed key"),
      h("p", null, "The key in the script tag is public: it only lets a page show and play this account's active campaigns."),
      h("dl", { class: "facts" },
        h("div", null, h("dt", null, "Account"), h("dd", null, account.name)),
        h("div", null, h("dt", null, "Embed key"), h("dd", { class: "mono" }, account.embed_key)))));
  return { node };
}
