// The public station page: whoever holds the posted paper protocol chooses a photo of
// its QR code; the page says whether the code's SHA-256 is the published figures'.
(function () {
  "use strict";
  var box = document.getElementById("paper-check");
  if (!box || typeof window.jsQR !== "function" || !window.psephosQr) return;
  var result = document.getElementById("paper-check-result");
  box.hidden = false;
  document.getElementById("paper-check-file").addEventListener("change", function (event) {
    var file = event.target.files && event.target.files[0];
    if (!file) return;
    window.psephosQr.fromFile(file, function (text) {
      var digest = null;
      try {
        digest = text ? JSON.parse(text).sha256 : null;
      } catch (error) {
        digest = null;
      }
      if (!digest) {
        result.dataset.outcome = "none";
        result.textContent = box.dataset.none;
      } else if (digest === box.dataset.digest) {
        result.dataset.outcome = "match";
        result.textContent = box.dataset.match;
      } else {
        result.dataset.outcome = "differ";
        result.textContent = box.dataset.differ + " " + digest;
      }
    });
  });
})();
