// The public station page: whoever holds the posted paper protocol chooses a photo of
// its QR code; the page says whether the code is whole (its figures give its SHA-256),
// whether psephos signed it (Ed25519, the ledger's public key, checked by the browser's
// Web Crypto) and whether its SHA-256 is the published figures'.
(function () {
  "use strict";
  var box = document.getElementById("paper-check");
  if (!box || typeof window.jsQR !== "function" || !window.psephosQr) return;
  var result = document.getElementById("paper-check-result");
  var CONTEXT = "psephos-protocol-qr/v1";
  box.hidden = false;

  // Compact JSON with sorted keys, as psephos writes the figures before hashing them.
  function canonical(value) {
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    return (
      "{" +
      Object.keys(value)
        .sort()
        .map(function (key) {
          return JSON.stringify(key) + ":" + canonical(value[key]);
        })
        .join(",") +
      "}"
    );
  }

  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  function bytes(base64) {
    return Uint8Array.from(atob(base64), function (c) {
      return c.charCodeAt(0);
    });
  }

  function say(outcome, text) {
    result.dataset.outcome = outcome;
    result.textContent = text;
  }

  function check(text) {
    var data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (error) {
      data = null;
    }
    if (!data || typeof data.sha256 !== "string") return say("none", box.dataset.none);
    var subtle = window.crypto && window.crypto.subtle;
    if (!subtle) return say("unchecked", box.dataset.unchecked);
    var body = {};
    Object.keys(data).forEach(function (key) {
      if (key !== "sha256" && key !== "sig") body[key] = data[key];
    });
    var encoder = new TextEncoder();
    subtle
      .digest("SHA-256", encoder.encode(canonical(body)))
      .then(function (computed) {
        if (hex(computed) !== data.sha256) return say("damaged", box.dataset.damaged);
        var signature = null;
        try {
          signature = typeof data.sig === "string" ? bytes(data.sig) : null;
        } catch (error) {
          signature = null; // missing or not base64
        }
        if (!signature || !signature.length) return say("forged", box.dataset.forged);
        var message = encoder.encode(canonical({ context: CONTEXT, sha256: data.sha256 }));
        return subtle
          .importKey("raw", bytes(box.dataset.key), { name: "Ed25519" }, false, ["verify"])
          .then(function (key) {
            return subtle.verify({ name: "Ed25519" }, key, signature, message);
          })
          .then(
            function (valid) {
              if (!valid) return say("forged", box.dataset.forged);
              // The published figures' digest, and where the paper left lines to the
              // commission's hand, the digest of the same figures with those lines null.
              if (box.dataset.digest.split(" ").indexOf(data.sha256) >= 0) {
                return say("match", box.dataset.match);
              }
              return say("differ", box.dataset.differ + " " + data.sha256);
            },
            function () {
              // No Ed25519 in this browser's Web Crypto.
              say("unchecked", box.dataset.unchecked);
            }
          );
      })
      .catch(function () {
        say("unchecked", box.dataset.unchecked);
      });
  }

  document.getElementById("paper-check-file").addEventListener("change", function (event) {
    var file = event.target.files && event.target.files[0];
    if (!file) return;
    window.psephosQr.fromFile(file, check);
  });
})();
