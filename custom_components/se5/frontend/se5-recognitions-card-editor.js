/*
 * The visual editor of the SE5 recognitions card: Home Assistant's own form (`ha-form`), with
 * the cameras and the words from the integration (`se5/recognitions/cameras`).
 */

const EDITOR = "se5-recognitions-card-editor";
const FIELDS = ["title", "limit", "cameras", "person_types", "show_scene", "show_registered"];

async function ensureHaForm() {
  if (customElements.get("ha-form")) {
    return;
  }
  // The form is part of Home Assistant's editors: loading a built-in card's editor defines it.
  const helpers = window.loadCardHelpers ? await window.loadCardHelpers() : undefined;
  if (helpers) {
    const card = await helpers.createCardElement({ type: "entities", entities: [] });
    if (card && card.constructor.getConfigElement) {
      await card.constructor.getConfigElement();
    }
  }
  await customElements.whenDefined("ha-form");
}

class Se5RecognitionsCardEditor extends HTMLElement {
  constructor() {
    super();
    this._config = {};
    this._info = null;
    this._loading = null;
  }

  setConfig(config) {
    this._config = { ...config };
    this._render();
  }

  set hass(hass) {
    this._hass = hass;
    if (this._form) {
      this._form.hass = hass;
    }
    this._load();
  }

  async _load() {
    if (this._info || this._loading || !this._hass) {
      return;
    }
    this._loading = Promise.all([
      this._hass.callWS({ type: "se5/recognitions/cameras", language: this._hass.language }),
      ensureHaForm(),
    ]);
    try {
      [this._info] = await this._loading;
    } finally {
      this._loading = null;
    }
    this._render();
  }

  _schema() {
    const info = this._info;
    const kinds = (info && info.labels && info.labels.kinds) || {};
    return [
      { name: "title", selector: { text: {} } },
      { name: "limit", selector: { number: { min: 1, max: 100, mode: "box" } } },
      {
        name: "cameras",
        selector: {
          select: {
            multiple: true,
            options: ((info && info.cameras) || []).map((camera) => ({
              value: camera.device_id,
              label: camera.name,
            })),
          },
        },
      },
      {
        name: "person_types",
        selector: {
          select: {
            multiple: true,
            options: ((info && info.person_types) || []).map((kind) => ({
              value: kind,
              label: kinds[kind] || kind,
            })),
          },
        },
      },
      { name: "show_scene", selector: { boolean: {} } },
      { name: "show_registered", selector: { boolean: {} } },
    ];
  }

  _render() {
    if (!this._info || !this._hass) {
      return;
    }
    if (!this._form) {
      this._form = document.createElement("ha-form");
      this._form.computeLabel = (field) => {
        const labels = (this._info && this._info.labels) || {};
        return labels[`editor_${field.name}`] || field.name;
      };
      this._form.addEventListener("value-changed", (event) => this._changed(event));
      this.appendChild(this._form);
    }
    this._form.hass = this._hass;
    this._form.schema = this._schema();
    this._form.data = this._config;
  }

  _changed(event) {
    event.stopPropagation();
    const value = { ...this._config, ...event.detail.value };
    for (const key of FIELDS) {
      const empty = Array.isArray(value[key]) ? !value[key].length : value[key] === "";
      if (empty || value[key] === undefined || value[key] === null) {
        delete value[key];
      }
    }
    this._config = value;
    this.dispatchEvent(
      new CustomEvent("config-changed", { detail: { config: value }, bubbles: true, composed: true }),
    );
  }
}

if (!customElements.get(EDITOR)) {
  customElements.define(EDITOR, Se5RecognitionsCardEditor);
}
