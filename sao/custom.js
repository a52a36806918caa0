/* The one-stop back office is Vietnamese first */
document.documentElement.lang = 'vi';
