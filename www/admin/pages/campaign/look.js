// The look section: the theme's colours and the logo.
import { h } from "../../dom.js";
import { field } from "../../ui.js";
import { colourField, section } from "./controls.js";

/** The colours and logo of `theme` (the definition's); `read()` gives the theme back. */
export function lookSection(theme) {
  const primary = colourField("definition.theme.primary", "Main colour", theme?.primary ?? "#6d28d9");
  const background = colourField("definition.theme.background", "Background", theme?.background ?? "#ffffff");
  const textColour = colourField("definition.theme.text", "Text", theme?.text ?? "#1f2937");
  const logo = h("input", { type: "url", inputmode: "url", spellcheck: "false", value: theme?.logo_url ?? "", placeholder: "https://example.com/logo.png" });
  const node = section("look", "Look", "Colours and logo, to match your site. The main colour is for buttons and the game's accents.",
    h("div", { class: "grid-colours" }, primary.wrapper, background.wrapper, textColour.wrapper),
    field({ name: "definition.theme.logo_url", label: "Logo URL", input: logo, hint: "Optional: an image shown above the title." }));
  return {
    node,
    read: () => ({
      primary: primary.value(),
      background: background.value(),
      text: textColour.value(),
      ...(logo.value.trim() && { logo_url: logo.value.trim() }),
    }),
  };
}
