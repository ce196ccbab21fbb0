// The TEC's QR reader: a photo of the paper protocol, or the camera, decoded in the
// browser by jsQR (served from this site). The code's text fills the form, which is
// sent; the server checks the station and the digest. Without JavaScript the text can
// still be pasted.
(function () {
  "use strict";
  var reader = document.getElementById("qr-reader");
  var form = document.getElementById("qr-form");
  var field = document.getElementById("qr");
  var status = document.getElementById("qr-status");
  if (!reader || !form || !field || typeof window.jsQR !== "function") return;
  reader.hidden = false;
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });

  function decode(source, width, height) {
    // A phone photo is large: scale it so its long side is at most 1600 pixels.
    var scale = Math.min(1, 1600 / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(pixels.data, pixels.width, pixels.height);
    return code && code.data ? code.data : null;
  }

  function found(text) {
    field.value = text;
    status.textContent = "";
    form.requestSubmit();
  }

  document.getElementById("qr-file").addEventListener("change", function (event) {
    var file = event.target.files && event.target.files[0];
    if (!file) return;
    // A data: URL, not a blob: one: the site's Content-Security-Policy allows images
    // from this origin and data: only.
    var image = new Image();
    var file_reader = new FileReader();
    image.onload = function () {
      var text = decode(image, image.naturalWidth, image.naturalHeight);
      if (text) found(text);
      else status.textContent = status.dataset.none;
    };
    file_reader.onload = function () {
      image.src = file_reader.result;
    };
    file_reader.readAsDataURL(file);
  });

  var camera = document.getElementById("qr-camera");
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    camera.hidden = true;
    return;
  }
  camera.addEventListener("click", function () {
    var video = document.getElementById("qr-video");
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        function frame() {
          if (video.readyState >= 2) {
            var text = decode(video, video.videoWidth, video.videoHeight);
            if (text) {
              stream.getTracks().forEach(function (t) { t.stop(); });
              video.hidden = true;
              found(text);
              return;
            }
          }
          window.requestAnimationFrame(frame);
        }
        window.requestAnimationFrame(frame);
      })
      .catch(function (error) {
        status.textContent = String(error && error.message ? error.message : error);
      });
  });
})();
