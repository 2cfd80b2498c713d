namespace TechCourse.Admin.Infrastructure.Hosting;

// Something the machine lacks or refuses; its message tells the operator what to do, so it is shown without a stack trace.
public sealed class EnvironmentProblemException(string message, Exception? inner = null) : Exception(message, inner);
