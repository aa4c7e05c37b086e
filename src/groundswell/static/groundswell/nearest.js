// "Use my location" on the nearest-marginal page: fills lat/lon and submits.
(function () {
  var button = document.getElementById("locate");
  if (!button || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    button.textContent = "Finding you…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("lat").value = pos.coords.latitude.toFixed(5);
      document.getElementById("lon").value = pos.coords.longitude.toFixed(5);
      document.getElementById("postcode").value = "";
      document.getElementById("where").submit();
    }, function () {
      button.disabled = false;
      button.textContent = "Use my location";
      alert("Your location is not available: enter a postcode instead.");
    }, {timeout: 10000, maximumAge: 600000});
  });
})();
