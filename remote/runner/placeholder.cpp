// Temporary: replaced as the runner modules land.
namespace ferry::runner {}
