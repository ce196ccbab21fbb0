// Read a QR code in the browser with jsQR (served from this site): from a chosen photo
// (through a data: URL, as the Content-Security-Policy allows no blob: images) or from
// any drawable source (a camera's video frame). Used by the TEC's scan page and the
// public station page's check of a paper protocol.
(function () {
  "use strict";
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });

  function fromImage(source, width, height) {
    // A phone photo is large: scale it so its long side is at most 1600 pixels.
    var scale = Math.min(1, 1600 / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(pixels.data, pixels.width, pixels.height);
    return code && code.data ? code.data : null;
  }

  function fromFile(file, done) {
    var image = new Image();
    var reader = new FileReader();
    image.onload = function () {
      done(fromImage(image, image.naturalWidth, image.naturalHeight));
    };
    image.onerror = function () {
      done(null);
    };
    reader.onload = function () {
      image.src = reader.result;
    };
    reader.readAsDataURL(file);
  }

  window.psephosQr = { fromImage: fromImage, fromFile: fromFile };
})();
