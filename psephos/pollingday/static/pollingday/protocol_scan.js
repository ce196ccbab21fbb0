// The TEC's QR reader: a photo of the paper protocol, or the camera, decoded by
// qr_read.js. The code's text fills the form, which is sent; the server checks the
// station and the digest. Without JavaScript the text can still be pasted.
(function () {
  "use strict";
  var reader = document.getElementById("qr-reader");
  var form = document.getElementById("qr-form");
  var field = document.getElementById("qr");
  var status = document.getElementById("qr-status");
  if (!reader || !form || !field || typeof window.jsQR !== "function" || !window.psephosQr) return;
  reader.hidden = false;

  function found(text) {
    field.value = text;
    status.textContent = "";
    form.requestSubmit();
  }

  document.getElementById("qr-file").addEventListener("change", function (event) {
    var file = event.target.files && event.target.files[0];
    if (!file) return;
    window.psephosQr.fromFile(file, function (text) {
      if (text) found(text);
      else status.textContent = status.dataset.none;
    });
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
            var text = window.psephosQr.fromImage(video, video.videoWidth, video.videoHeight);
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
