/// A place in the client's request, such as `messages[3].content[1]`, as error messages and notes name it.
///
/// Kept as its steps and written out only when a message needs the text: formatting `messages[i]` and
/// `messages[i].content[j]` for every message and block of a long conversation cost more than converting some of
/// them.
///
/// THREAD: an immutable value.
struct RequestPath: CustomStringConvertible {
    private enum Step {
        case root(StaticString)
        indirect case element(Step, Int)
        indirect case member(Step, StaticString)
    }

    private let step: Step

    /// A top-level member of the request: `RequestPath("messages")`.
    init(_ name: StaticString) {
        step = .root(name)
    }

    private init(step: Step) {
        self.step = step
    }

    /// The element at `index` of the array here: `messages[3]`.
    subscript(index: Int) -> RequestPath {
        RequestPath(step: .element(step, index))
    }

    /// The member `name` of the object here: `messages[3].content`.
    func member(_ name: StaticString) -> RequestPath {
        RequestPath(step: .member(step, name))
    }

    /// The path as written in messages: `messages[3].content[1]`.
    var description: String {
        Self.text(of: step)
    }

    private static func text(of step: Step) -> String {
        switch step {
        case .root(let name): "\(name)"
        case .element(let parent, let index): text(of: parent) + "[\(index)]"
        case .member(let parent, let name): text(of: parent) + ".\(name)"
        }
    }
}
