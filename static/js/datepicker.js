/* Date inputs in dd/mm/yyyy with the device's own picker (core/widgets.py).
 *
 * Each text input [data-date-picker] gets a calendar button; under it sits a native
 * <input type="date"> (invisible), so a tap on a phone opens the phone's picker and a click
 * on a desktop opens the browser's calendar (showPicker). The chosen day is written back
 * as dd/mm/yyyy; a day typed in the text input is given to the picker as its start.
 * No library, no network: the page works without this script too.
 */
(function () {
  "use strict";

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function toIso(text) {
    var m = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})\s*$/.exec(text || "");
    if (m) {
      return m[3] + "-" + pad(+m[2]) + "-" + pad(+m[1]);
    }
    m = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text || "");
    return m ? m[0].trim() : "";
  }

  function fromIso(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : "";
  }

  function enhance(input) {
    if (input.dataset.datePickerReady) {
      return;
    }
    input.dataset.datePickerReady = "1";
    var wrap = document.createElement("span");
    wrap.className = "date-field";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);

    var button = document.createElement("span");
    button.className = "date-button";
    var picker = document.createElement("input");
    picker.type = "date";
    picker.className = "date-native";
    picker.tabIndex = -1;
    picker.setAttribute("aria-label", input.dataset.pickerLabel || "");
    if (input.disabled || input.readOnly) {
      picker.disabled = true;
    }
    button.appendChild(picker);
    wrap.appendChild(button);

    function sync() {
      picker.value = toIso(input.value);
    }
    sync();
    input.addEventListener("change", sync);
    picker.addEventListener("click", function () {
      sync();
      if (typeof picker.showPicker === "function") {
        try {
          picker.showPicker();
        } catch (e) {
          /* a browser that refuses: the tap itself opens the control */
        }
      }
    });
    picker.addEventListener("change", function () {
      if (picker.value) {
        input.value = fromIso(picker.value);
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function enhanceAll(root) {
    var inputs = (root || document).querySelectorAll("input[data-date-picker]");
    for (var i = 0; i < inputs.length; i++) {
      enhance(inputs[i]);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceAll(document);
  });
  // forms swapped in by htmx
  document.addEventListener("htmx:load", function (event) {
    enhanceAll(event.target);
  });
})();
