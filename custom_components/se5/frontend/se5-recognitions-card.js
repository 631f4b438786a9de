/*
 * SE5 recognitions card: the recent recognitions of the SE5 boxes, live.
 *
 * Plain JavaScript (no build step), served and loaded by the integration itself. It subscribes
 * to the integration's websocket command `se5/recognitions/subscribe`, which sends the recent
 * recognitions, then each new one; image URLs arrive signed for the user. The words come from
 * the integration's translation files, sent with the recognitions.
 */

const CARD = "se5-recognitions-card";
const EDITOR = "se5-recognitions-card-editor";
const REGISTER = "se5-register-visitor";
const VERSION = new URL(import.meta.url).searchParams.get("v") || "dev";
const KIND_COLORS = {
  vip: "var(--warning-color, #ffa600)",
  employee: "var(--primary-color, #03a9f4)",
  visitor: "var(--info-color, #039be5)",
  blacklist: "var(--error-color, #db4437)",
  stranger: "var(--secondary-text-color, #727272)",
};
const KIND_ICONS = {
  vip: "mdi:account-star",
  employee: "mdi:badge-account",
  visitor: "mdi:account-clock",
  blacklist: "mdi:account-cancel",
  stranger: "mdi:account-question",
};
// The card picker reads these before any connection exists: the only words not sent by
// the integration (they repeat translations/*.json common.media_source_title).
const PICKER = {
  en: ["SE5 recognitions", "Recent face recognitions of the SE5 boxes, live, with their faces."],
  "zh-Hans": ["SE5 识别记录", "SE5 盒子最近的人脸识别记录，实时更新，带人脸照片。"],
};
const DEFAULTS = { limit: 10, show_scene: false, show_registered: true };
const RETRY_AFTER_MS = 60_000;
// Image URLs are signed for a day (websocket.py SIGN_EXPIRY): only then can a fresh
// subscription mend a broken image; before, the image is gone (404) and stays a placeholder.
const SIGNED_FOR_MS = 23 * 3600 * 1000;
const SUBSCRIBE_RETRY_MS = [2_000, 5_000, 15_000, 60_000];
// The visitor being registered from a stranger's row ({id, name, until, busy, done, error}) and
// the module of its form (loaded on first use): kept by the page, not by one card element, so
// that a card Home Assistant builds anew (a dashboard laid out again) shows the same form.
const registration = { state: null, module: null, cards: new Set() };

const STYLE = `
  :host { display: block; }
  ha-card { overflow: hidden; }
  .header { padding: 12px 16px 4px; font-size: var(--ha-card-header-font-size, 20px);
    color: var(--ha-card-header-color, var(--primary-text-color)); }
  .empty { padding: 8px 16px 16px; color: var(--secondary-text-color); }
  ul { list-style: none; margin: 0; padding: 4px 0 8px; }
  li { display: flex; align-items: center; gap: 12px; padding: 6px 16px; }
  li + li { border-top: 1px solid var(--divider-color); }
  .face { width: 48px; height: 60px; flex: none; border-radius: 6px; object-fit: cover;
    background: var(--secondary-background-color); }
  .noface { display: flex; align-items: center; justify-content: center;
    color: var(--secondary-text-color); }
  .text { flex: 1; min-width: 0; }
  .name { font-weight: 500; color: var(--primary-text-color); overflow: hidden;
    text-overflow: ellipsis; white-space: nowrap; }
  .meta { font-size: 0.875em; color: var(--secondary-text-color); overflow: hidden;
    text-overflow: ellipsis; white-space: nowrap; }
  .kind { display: inline-flex; align-items: center; gap: 2px; font-size: 0.75em;
    font-weight: 500; padding: 1px 6px; border-radius: 10px; color: var(--text-primary-color, #fff);
    vertical-align: middle; margin-inline-start: 6px; }
  .kind ha-icon { --mdc-icon-size: 14px; }
  .extra { height: 60px; flex: none; border-radius: 6px; object-fit: cover; cursor: zoom-in; }
  .extra.registered { width: 48px; }
  .extra.scene { width: 96px; }
  .badge { font-size: 0.75em; color: var(--secondary-text-color); }
  .mask { display: inline-flex; align-items: center; gap: 2px; margin-inline-start: 6px;
    font-size: 0.75em; color: var(--secondary-text-color); vertical-align: middle; }
  .mask ha-icon { --mdc-icon-size: 14px; }
  .register { flex: none; background: none; border: none; cursor: pointer; padding: 4px;
    color: var(--primary-color); }
`;

function localLanguage(hass) {
  const language = (hass && hass.language) || document.documentElement.lang || "en";
  return language.startsWith("zh") ? "zh-Hans" : "en";
}

class Se5RecognitionsCard extends HTMLElement {
  constructor() {
    super();
    this._config = { ...DEFAULTS };
    this._items = [];
    this._labels = null;
    this._unsubscribe = null;
    this._subscribing = null;
    this._generation = 0;
    this._retried = 0;
    this._subscribedAt = 0;
    this._failures = 0;
    this._retryTimer = null;
    this.attachShadow({ mode: "open" });
  }

  static async getConfigElement() {
    await import(new URL(`${EDITOR}.js?v=${VERSION}`, import.meta.url).href);
    return document.createElement(EDITOR);
  }

  static getStubConfig() {
    return { ...DEFAULTS };
  }

  setConfig(config) {
    if (!config || typeof config !== "object") {
      throw new Error("Invalid configuration");
    }
    const limit = Number(config.limit ?? DEFAULTS.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new Error("limit: a whole number from 1 to 100");
    }
    for (const key of ["cameras", "person_types"]) {
      if (config[key] !== undefined && !Array.isArray(config[key])) {
        throw new Error(`${key}: a list`);
      }
    }
    const changed = JSON.stringify(this._query(this._config)) !== JSON.stringify(this._query(config));
    this._config = { ...DEFAULTS, ...config, limit };
    if (changed) {
      this._resubscribe();
    }
    this._render();
  }

  set hass(hass) {
    const first = !this._hass;
    this._hass = hass;
    if (first) {
      this._subscribe();
      this._render();
    }
  }

  get hass() {
    return this._hass;
  }

  connectedCallback() {
    registration.cards.add(this);
    this._subscribe();
  }

  disconnectedCallback() {
    registration.cards.delete(this);
    this._cancelRetry();
    this._unsubscribeNow();
  }

  _renderAll() {
    // Every card on the page: the registration's outcome shows wherever its row is.
    for (const card of registration.cards) card._render();
  }

  getCardSize() {
    return 1 + Math.min(this._config.limit, Math.max(this._items.length, 1));
  }

  getGridOptions() {
    return { columns: 6, min_columns: 3, rows: "auto" };
  }

  _query(config) {
    return {
      limit: Number(config.limit ?? DEFAULTS.limit),
      device_ids: config.cameras || [],
      person_types: config.person_types || [],
    };
  }

  async _subscribe() {
    if (!this._hass || !this.isConnected || this._unsubscribe || this._subscribing) {
      return;
    }
    const generation = this._generation;
    const query = this._query(this._config);
    const message = { type: "se5/recognitions/subscribe", limit: query.limit };
    message.language = this._hass.language;
    if (query.device_ids.length) message.device_ids = query.device_ids;
    if (query.person_types.length) message.person_types = query.person_types;
    this._subscribing = this._hass.connection.subscribeMessage(
      (event) => this._received(event),
      message,
    );
    try {
      this._unsubscribe = await this._subscribing;
      this._subscribedAt = Date.now();
      this._failures = 0;
    } catch (err) {
      // E.g. "Unknown command" while Home Assistant starts: said, and tried again later.
      this._error = err && err.message ? err.message : String(err);
      this._render();
      this._retryLater();
    } finally {
      this._subscribing = null;
    }
    if (!this.isConnected) {
      this._unsubscribeNow();
    } else if (generation !== this._generation) {
      this._resubscribe(); // the configuration changed while subscribing
    }
  }

  _retryLater() {
    if (this._retryTimer || !this.isConnected) return;
    const delay = SUBSCRIBE_RETRY_MS[Math.min(this._failures, SUBSCRIBE_RETRY_MS.length - 1)];
    this._failures += 1;
    this._retryTimer = setTimeout(() => {
      this._retryTimer = null;
      this._subscribe();
    }, delay);
  }

  _cancelRetry() {
    if (this._retryTimer) {
      clearTimeout(this._retryTimer);
      this._retryTimer = null;
    }
  }

  _unsubscribeNow() {
    if (this._unsubscribe) {
      const unsubscribe = this._unsubscribe;
      this._unsubscribe = null;
      unsubscribe().catch(() => undefined);
    }
  }

  _resubscribe() {
    this._generation += 1;
    this._unsubscribeNow();
    this._items = [];
    this._subscribe();
  }

  _received(event) {
    this._error = undefined;
    if (event.labels) {
      this._labels = event.labels;
    }
    if (Array.isArray(event.recognitions)) {
      this._items = event.recognitions;
    } else if (event.recognition) {
      const items = this._items.filter((item) => item.id !== event.recognition.id);
      items.unshift(event.recognition); // first among equal times: it is the newest
      items.sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0));
      this._items = items.slice(0, this._config.limit);
    }
    this._render();
  }

  _imageFailed() {
    // Signed URLs expire after a day: a fresh subscription signs them again. A younger
    // subscription's broken image is gone from the store: asking again would not mend it.
    const now = Date.now();
    if (now - this._subscribedAt > SIGNED_FOR_MS && now - this._retried > RETRY_AFTER_MS) {
      this._retried = now;
      this._resubscribe();
    }
  }

  _word(key) {
    return (this._labels && this._labels[key]) || "";
  }

  _render() {
    const root = this.shadowRoot;
    // A recognition arriving while a visitor's name is typed must not take the focus away.
    const focused = root.activeElement && root.activeElement.name;
    const extra = registration.module ? registration.module.STYLE : "";
    root.innerHTML = `<style>${STYLE}${extra}</style>`;
    const card = document.createElement("ha-card");
    const title = this._config.title ?? this._word("card_title");
    if (title) {
      const header = document.createElement("div");
      header.className = "header";
      header.textContent = title;
      card.appendChild(header);
    }
    if (this._error || !this._items.length) {
      const empty = document.createElement("div");
      empty.className = "empty";
      empty.textContent = this._error || (this._labels ? this._word("card_empty") : "…");
      card.appendChild(empty);
    } else {
      const list = document.createElement("ul");
      const shown = this._items.slice(0, this._config.limit);
      const register = registration.state;
      // The row being registered stays while newer recognitions push it out of the list (in
      // the cards that show its camera and kind: not in a card of another camera).
      if (register && this._shows(register.item) && !shown.some((item) => item.id === register.id)) {
        shown.push(register.item);
      }
      for (const item of shown) {
        list.appendChild(this._row(item));
        if (register && register.id === item.id && registration.module) {
          list.appendChild(registration.module.registerRow(this, item, register));
        }
      }
      card.appendChild(list);
    }
    root.appendChild(card);
    if (focused) {
      const input = root.querySelector(`.register-form input[name="${focused}"]`);
      if (input) {
        input.focus();
        if (input.type === "text") input.setSelectionRange(input.value.length, input.value.length);
      }
    }
  }

  _row(item) {
    const row = document.createElement("li");
    row.dataset.id = item.id;
    row.dataset.kind = item.person_type;
    if (item.face_url) {
      row.appendChild(this._image(item.face_url, "face", item.identity_name));
    } else {
      const none = document.createElement("div");
      none.className = "face noface";
      const icon = document.createElement("ha-icon");
      icon.setAttribute("icon", "mdi:face-recognition");
      none.appendChild(icon);
      row.appendChild(none);
    }
    const text = document.createElement("div");
    text.className = "text";
    const name = document.createElement("div");
    name.className = "name";
    const stranger = item.person_type === "stranger" || !(item.identity_name || "").trim();
    name.textContent = stranger ? this._word("stranger") : item.identity_name;
    const kind = document.createElement("span");
    kind.className = "kind";
    kind.style.background = KIND_COLORS[item.person_type] || KIND_COLORS.stranger;
    const kindIcon = document.createElement("ha-icon");
    kindIcon.setAttribute("icon", KIND_ICONS[item.person_type] || "mdi:account");
    kind.appendChild(kindIcon);
    kind.appendChild(document.createTextNode(this._kind(item.person_type)));
    name.appendChild(kind);
    if (item.mask === true) {
      const mask = document.createElement("span");
      mask.className = "mask";
      const maskIcon = document.createElement("ha-icon");
      maskIcon.setAttribute("icon", "mdi:face-mask");
      mask.append(maskIcon, document.createTextNode(this._word("card_mask")));
      name.appendChild(mask);
    }
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = `${item.camera} · ${this._time(item.timestamp)}`;
    if (!item.live) {
      meta.textContent += ` · ${this._word("card_recovered")}`;
    }
    text.append(name, meta);
    row.appendChild(text);
    if (this._config.show_registered && item.registered_url) {
      row.appendChild(this._image(item.registered_url, "extra registered", this._word("card_registered")));
    }
    if (this._config.show_scene && item.scene_url) {
      row.appendChild(this._image(item.scene_url, "extra scene", this._word("card_scene")));
    }
    if (item.person_type === "stranger" && item.face_url && this._isAdmin()) {
      // Administrators may register a stranger as a visitor from their own face.
      const button = document.createElement("button");
      button.className = "register";
      button.title = this._word("card_register");
      button.setAttribute("aria-label", this._word("card_register"));
      const icon = document.createElement("ha-icon");
      icon.setAttribute("icon", "mdi:account-plus");
      button.appendChild(icon);
      button.addEventListener("click", async () => {
        // The form's code is fetched on first use (administrators only ever need it).
        registration.module = registration.module ||
          (await import(new URL(`${REGISTER}.js?v=${VERSION}`, import.meta.url).href));
        const open = registration.state && registration.state.id === item.id;
        registration.state = open ? null : { id: item.id, item, name: "", until: "23:59" };
        this._render();
      });
      row.appendChild(button);
    }
    return row;
  }

  _shows(item) {
    // Whether this card's filters let the recognition in (as its subscription does).
    const query = this._query(this._config);
    return (!query.device_ids.length || query.device_ids.includes(item.device_id)) &&
      (!query.person_types.length || query.person_types.includes(item.person_type));
  }

  _isAdmin() {
    return Boolean(this._hass && this._hass.user && this._hass.user.is_admin);
  }

  _image(url, className, alt) {
    const image = document.createElement("img");
    image.className = className;
    image.alt = alt || "";
    image.loading = "lazy";
    image.src = url;
    image.addEventListener("error", () => this._imageFailed(), { once: true });
    if (className.startsWith("extra")) {
      image.addEventListener("click", () => window.open(url, "_blank", "noopener"));
    }
    return image;
  }

  _kind(kind) {
    return (this._labels && this._labels.kinds && this._labels.kinds[kind]) || kind;
  }

  _time(timestamp) {
    const when = new Date(timestamp);
    const language = (this._hass && this._hass.locale && this._hass.locale.language) || undefined;
    try {
      return when.toLocaleString(language, { dateStyle: "short", timeStyle: "medium" });
    } catch (_err) {
      return when.toLocaleString();
    }
  }
}

let pickerEntry = false;

function defineCard() {
  if (!customElements.get(CARD)) {
    try {
      customElements.define(CARD, Se5RecognitionsCard);
    } catch (err) {
      console.warn(`${CARD}: not defined`, err);
      return;
    }
  }
  if (pickerEntry) {
    return;
  }
  pickerEntry = true;
  const home = () => document.querySelector("home-assistant");
  window.customCards = window.customCards || [];
  window.customCards.push({
    type: CARD,
    get name() {
      return PICKER[localLanguage(home() && home().hass)][0];
    },
    get description() {
      return PICKER[localLanguage(home() && home().hass)][1];
    },
    preview: true,
    documentationURL: "https://github.com/se5-home-assistant/se5#faces-recent-recognitions-card-media-browser-blueprints",
  });
}

defineCard();
// Extra modules load beside the frontend's own code. When this one runs first, the frontend
// can set up its element registry afterwards and not see the card (seen on HA 2026.10: the
// dashboard then shows "custom element doesn't exist" until a reload): define it again once the
// app itself is defined.
customElements.whenDefined("home-assistant").then(defineCard);
